using System.Globalization;
using LlmObserve.Core.Live;
using LlmObserve.Core.Metrics;
using LlmObserve.Web.Overview;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Overview;

/// <summary>
/// The overview dashboard: volume, errors, latency, tokens and cost over a range, split by environment or model, and
/// who and what cost most. The range and split live in the URL. New data redraws the charts in place, at most once a
/// second, through the page's own circuit.
/// </summary>
public sealed partial class Overview : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private OverviewRange? _range;
    private string? _projectId;
    private bool _hasProject = true;
    private IDisposable? _watch;
    private CallbackThrottler? _throttler;

    [SupplyParameterFromQuery(Name = "range")]
    public string? Range { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "split")]
    public string? Split { get; set; }

    [SupplyParameterFromQuery(Name = "environment")]
    public string? Environment { get; set; }

    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelFilter { get; set; }

    [Inject]
    private OverviewViewModel Model { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private IRollupChangeNotifier Rollups { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private OverviewSplit SplitValue
        => OverviewRangeParser.Split(Split, new(StringComparer.Ordinal)) ?? OverviewSplit.Environment;

    public void Dispose()
    {
        _watch?.Dispose();
        _throttler?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        _projectId ??= await Project.GetIdAsync(_disposed.Token);
        _hasProject = _projectId is not null;
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only the interactive render gets here: a prerendered copy never subscribes.
        _throttler = new CallbackThrottler(RefreshInterval, Time, () => InvokeAsync(RefreshAsync));
        _watch = Rollups.Subscribe(change =>
        {
            if (_projectId is null || change.ProjectId == _projectId)
            {
                _throttler.Signal();
            }

            return Task.CompletedTask;
        });

        if (await TimeZone.ResolveAsync(JS))
        {
            await LoadAsync();
            StateHasChanged();
        }
    }

    private static string Usd(decimal value) => TraceFormat.Cost(value);

    private static string Percent(double? rate)
        => rate is { } value ? value.ToString("P1", CultureInfo.InvariantCulture) : "–";

    /// <summary>The cost, marked when part or all of it is missing because calls have no price.</summary>
    private static string CostText(OverviewPoint point)
        => point.CostUsd is { } cost
            ? Usd(cost) + (point.UnpricedCalls > 0 ? " + unpriced" : string.Empty)
            : "unpriced";

    private static string Milliseconds(double? value) => value switch
    {
        null => "–",
        >= 10_000 => (value.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => value.Value.ToString("0", CultureInfo.InvariantCulture) + " ms",
    };

    private async Task LoadAsync()
    {
        List<KeyValuePair<string, string?>> parameters =
        [
            new("range", Range),
            new("from", From),
            new("to", To),
            new("split", Split),
            new("environment", Environment),
            new("model", ModelFilter),
        ];
        var (query, errors) = OverviewRangeParser.ParseQuery(parameters, Time.GetUtcNow());
        _errors = errors;
        _range = query?.Range;
        if (query is null || _projectId is null)
        {
            return;
        }

        await Model.LoadAsync(_projectId, query.Range, SplitValue, query.Filter, TimeZone.Zone, _disposed.Token);
    }

    private async Task RefreshAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        // A preset is a window back from now: it slides as time goes on.
        await LoadAsync();
        StateHasChanged();
    }

    private string RangeText(OverviewTimeline timeline)
    {
        var preset = OverviewRangeParser.Presets.FirstOrDefault(p => p.Name == _range?.Preset);
        return preset.Name is not null
            ? preset.Label
            : $"{TimeZone.Format(timeline.From)[..16]} to {TimeZone.Format(timeline.To)[..16]}";
    }

    private bool HasError(string name) => _errors.ContainsKey(name);

    private string? ErrorOf(string name) => _errors.TryGetValue(name, out var messages) ? messages[0] : null;

    private Task ApplySplitAsync(OverviewSplit split)
    {
        Navigate(new() { ["split"] = split == OverviewSplit.Model ? "model" : null });
        return Task.CompletedTask;
    }

    private Task ApplyEnvironmentAsync(string? environment)
    {
        Navigate(new() { ["environment"] = string.IsNullOrEmpty(environment) ? null : environment });
        return Task.CompletedTask;
    }

    private Task ApplyModelAsync(string? model)
    {
        Navigate(new() { ["model"] = string.IsNullOrEmpty(model) ? null : model });
        return Task.CompletedTask;
    }

    /// <summary>The choices of a filter: what the range holds, and the current value even when it holds none.</summary>
    private static IEnumerable<string> Choices(IReadOnlyList<string> known, string? current)
        => string.IsNullOrWhiteSpace(current) || known.Contains(current) ? known : [.. known, current];

    private void Navigate(Dictionary<string, object?> parameters)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(parameters));
}
