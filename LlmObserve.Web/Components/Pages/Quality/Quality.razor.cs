using System.Globalization;
using LlmObserve.Core.Live;
using LlmObserve.Web.Components.Pages.Overview;
using LlmObserve.Web.Overview;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Quality;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Quality;

/// <summary>
/// The Quality page: each score name's mean and failure (hallucination) rate over a range, split by model, release
/// or environment, with the overview's range picker. Range, split and filters live in the URL. New scores redraw the
/// charts in place, at most once a second, through the page's own circuit.
/// </summary>
public sealed partial class Quality : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    // Parameters that have a field of their own, where their message shows.
    private static readonly string[] _fields = ["range", "from", "to", "split", "environment", "release", "model"];

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

    [SupplyParameterFromQuery(Name = "release")]
    public string? Release { get; set; }

    [SupplyParameterFromQuery(Name = "model")]
    public string? ModelFilter { get; set; }

    [Inject]
    private QualityViewModel Model { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private IScoreChangeNotifier Scores { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>Messages of parameters the page has no field for (a stray parameter in a pasted link).</summary>
    private IEnumerable<(string Name, string[] Messages)> OtherErrors
        => _errors.Where(e => !_fields.Contains(e.Key)).Select(e => (e.Key, e.Value));

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
        _watch = Scores.Subscribe(change =>
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

    private static string Percent(double rate) => rate.ToString("P1", CultureInfo.InvariantCulture);

    private static string Mean(double? mean) => mean?.ToString("0.###", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>A filter's choices as shown: what the range holds, and the current value though it hold none.</summary>
    private static List<string> Choices(IReadOnlyList<string>? known, string? current)
    {
        var shown = (known ?? []).ToList();
        return string.IsNullOrWhiteSpace(current) || shown.Contains(current) ? shown : [.. shown, current];
    }

    private async Task LoadAsync()
    {
        List<KeyValuePair<string, string?>> parameters =
        [
            .. QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query)
                .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))),
        ];
        var (query, errors) = QualityQueryParser.Parse(parameters, Time.GetUtcNow());
        _errors = errors;
        _range = query?.Range;
        if (query is null || _projectId is null)
        {
            return;
        }

        await Model.LoadAsync(_projectId, query, TimeZone.Zone, _disposed.Token);
    }

    private async Task RefreshAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await LoadAsync();
        StateHasChanged();
    }

    private string RangeText(Core.Scores.QualityTimeline timeline)
    {
        var preset = OverviewRangeParser.Presets.FirstOrDefault(p => p.Name == _range?.Preset);
        return preset.Name is not null
            ? preset.Label
            : $"{TimeZone.Format(timeline.From)[..16]} to {TimeZone.Format(timeline.To)[..16]}";
    }

    private bool HasError(string name) => _errors.ContainsKey(name);

    private string? ErrorOf(string name) => _errors.TryGetValue(name, out var messages) ? messages[0] : null;

    /// <summary>The trace list of the range with this score, worst first.</summary>
    private string TracesHref(string scoreName)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["scoreName"] = scoreName,
            ["sort"] = "score",
            ["order"] = "asc",
        };
        if (_range is { } range)
        {
            query["from"] = RangePicker.Iso(range.From);
            query["to"] = RangePicker.Iso(range.To);
        }

        return QueryHelpers.AddQueryString("traces", query);
    }

    private Task ApplySplitAsync(string? split)
    {
        Navigate(new() { ["split"] = string.IsNullOrEmpty(split) ? null : split });
        return Task.CompletedTask;
    }

    private Task ApplyFilterAsync(string name, string? value)
    {
        Navigate(new() { [name] = string.IsNullOrEmpty(value) ? null : value });
        return Task.CompletedTask;
    }

    private void Navigate(Dictionary<string, object?> parameters)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(parameters));
}
