using LlmObserve.Core.Costs;
using LlmObserve.Web.Costs;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › Model prices: the global price table and the shown project's own entries, with adding a price,
/// a price change from a later date, correcting or deleting an entry, and a probe that says which entry would price a
/// model id. The model filter and the probe live in the URL, so a link reproduces the view.
/// </summary>
public sealed partial class Prices : IDisposable
{
    private const string ParamModel = "model";
    private const string ParamTest = "test";
    private const string ParamTestProvider = "provider";
    private const string ParamTestAt = "at";

    /// <summary>Characters of an entry's source the table shows; the whole text is in the tooltip.</summary>
    private const int SourceChars = 60;

    // Pinned to the right of the table's scrolling view, over the cells it passes, with a shadow to show the edge.
    private const string ActionsStyle = "position: sticky; right: 0; z-index: 1; "
        + "background: var(--mud-palette-surface); box-shadow: -4px 0 6px -4px rgba(0, 0, 0, 0.25);";

    private static readonly Func<ModelPrice, object> _byMatch = e => e.Match.ToLowerInvariant();
    private static readonly Func<ModelPrice, object> _byProvider = e => e.Provider ?? string.Empty;
    private static readonly Func<ModelPrice, object> _byInput = e => e.InputPerMillion;
    private static readonly Func<ModelPrice, object> _byOutput = e => e.OutputPerMillion;
    private static readonly Func<ModelPrice, object> _byEffectiveFrom = e => e.EffectiveFrom;

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<ModelPrice> _rows = [];
    private PriceProbe? _probe;
    private string? _probeAtError;
    private bool _saving;
    private bool _interactive;

    [SupplyParameterFromQuery(Name = ParamModel)]
    public string? ModelFilter { get; set; }

    [SupplyParameterFromQuery(Name = ParamTest)]
    public string? Test { get; set; }

    [SupplyParameterFromQuery(Name = ParamTestProvider)]
    public string? TestProvider { get; set; }

    [SupplyParameterFromQuery(Name = ParamTestAt)]
    public string? TestAt { get; set; }

    [Inject]
    private PriceSettingsViewModel Model { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!Model.IsLoaded)
        {
            await Model.LoadAsync(_disposed.Token);
        }

        Refresh();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only the interactive render gets here, so the mark tells a browser the buttons now answer.
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private string StatusText(ModelPrice entry) => Model.StatusOf(entry) switch
    {
        PriceStatus.Superseded => "superseded",
        PriceStatus.Scheduled => "scheduled",
        _ => "in force",
    };

    private void Refresh()
    {
        _rows = Model.Filter(ModelFilter);
        _probeAtError = null;
        DateTimeOffset? at = null;
        if (!string.IsNullOrWhiteSpace(TestAt))
        {
            if (PriceDraft.TryParseDate(TestAt, out var parsed))
            {
                at = parsed;
            }
            else
            {
                _probeAtError = "Write the time as yyyy-MM-dd or yyyy-MM-dd HH:mm (UTC).";
            }
        }

        _probe = _probeAtError is null ? Model.Probe(Test, TestProvider, at) : null;
    }

    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            await Model.SaveAsync(_disposed.Token);
        }
        finally
        {
            _saving = false;
        }

        // The table has changed: what the probe answers may have too.
        Refresh();
    }

    private async Task DeleteAsync(long id)
    {
        await Model.DeleteAsync(id, _disposed.Token);
        Refresh();
    }

    private Task NavigateAsync(string name, string? value)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(name, text));
        return Task.CompletedTask;
    }
}
