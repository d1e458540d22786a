using System.Globalization;
using System.Text.Json.Serialization;

namespace LlmObserve.Core.Alerts;

/// <summary>The rule an <see cref="AlertNotice"/> is about.</summary>
public sealed record AlertNoticeRule(long Id, string Name, string Metric);

/// <summary>The window a notice's value was read over.</summary>
public sealed record AlertNoticeWindow(DateTimeOffset From, DateTimeOffset To, double Minutes);

/// <summary>
/// The JSON body a generic webhook receives (camelCase), documented in the README: the rule, the level and whether
/// it fires or resolves, the value read, the threshold passed and its direction, the samples, the window, and a link
/// to the trace list filtered to the window and condition. <see cref="Test"/> marks a notice sent by "send test".
/// </summary>
public sealed record AlertNotice(
    [property: JsonPropertyName("eventId")] long EventId,
    [property: JsonPropertyName("rule")] AlertNoticeRule Rule,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("direction")] string Direction,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("window")] AlertNoticeWindow Window,
    [property: JsonPropertyName("link")] string Link,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("test")] bool Test)
{
    public static AlertNotice From(AlertEvent alert, string publicBaseUrl) => new(
        alert.Id,
        new AlertNoticeRule(alert.RuleId, alert.RuleName, alert.Metric),
        alert.Level,
        alert.Status,
        alert.Value,
        alert.Threshold,
        alert.Direction,
        alert.Samples,
        new AlertNoticeWindow(
            alert.WindowStart,
            alert.WindowEnd,
            Math.Round((alert.WindowEnd - alert.WindowStart).TotalMinutes, 3)),
        Absolute(publicBaseUrl, alert.Link),
        alert.CreatedAt,
        false);

    /// <summary>A one-line summary for chat and mail subjects.</summary>
    public string Summary()
    {
        var what = Status == AlertEventStatus.Resolved ? "RESOLVED" : "FIRING " + Level.ToUpperInvariant();
        var value = Value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "no value";
        var threshold = Threshold is { } t ? t.ToString("0.####", CultureInfo.InvariantCulture) : "-";
        return $"{(Test ? "[test] " : string.Empty)}{what}: {Rule.Name} — {Rule.Metric} = {value} "
            + $"({Direction} {threshold}) over {Window.Minutes:0.##} min, {Samples} samples";
    }

    private static string Absolute(string baseUrl, string link)
        => string.IsNullOrWhiteSpace(baseUrl) ? link : baseUrl.TrimEnd('/') + "/" + link;
}
