using System.Globalization;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Traces;

/// <summary>
/// The time zone of the person viewing the page, asked from the browser once per circuit. Until the browser has
/// answered, or when it cannot, times are shown in UTC and labelled so.
/// </summary>
public sealed class ViewerTimeZone
{
    private const string ModulePath = "./Components/Pages/Traces/LocalTime.razor.js";

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>The zone's name as shown beside times, e.g. <c>Europe/Berlin</c> or <c>UTC</c>.</summary>
    public string Label { get; private set; } = "UTC";

    public bool IsResolved { get; private set; }

    /// <summary>Asks the browser for its zone; true when the zone changed and times should be drawn again.</summary>
    public async Task<bool> ResolveAsync(IJSRuntime js)
    {
        if (IsResolved)
        {
            return false;
        }

        IsResolved = true;
        string? id;
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", ModulePath);
            id = await module.InvokeAsync<string?>("timeZone");
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException
            or TaskCanceledException)
        {
            return false;
        }

        if (string.IsNullOrEmpty(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return false;
        }

        Zone = zone;
        Label = id;
        return true;
    }

    public string Format(DateTimeOffset time)
        => TimeZoneInfo.ConvertTime(time, Zone).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
