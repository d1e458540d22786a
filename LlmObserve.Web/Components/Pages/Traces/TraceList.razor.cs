using System.Globalization;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>
/// The traces of the project, filtered and sorted by the URL's query, which uses the names of
/// <c>GET /api/traces</c>: a link reproduces the view, and the export links reuse it as is. New traces are
/// announced, not inserted, so the rows do not move under the reader's pointer.
/// </summary>
public sealed partial class TraceList : IDisposable
{
    private const string ParamSearch = "search";
    private const string ParamRange = "range";
    private const string ParamFrom = "from";
    private const string ParamTo = "to";
    private const string ParamStatus = "status";
    private const string ParamFeedback = "feedback";
    private const string ParamSort = "sort";
    private const string ParamOrder = "order";
    private const string CustomRange = "custom";

    // The trace last opened from the list: marked in the list, and not a filter.
    private const string ParamTrace = "trace";

    private static readonly (string Name, string Label)[] _textFields =
    [
        ("name", "Name"), ("sessionId", "Session"), ("userId", "User"), ("model", "Model"),
        ("environment", "Environment"), ("release", "Release"), ("tag", "Tag"),
        ("minLatencyMs", "Min latency (ms)"), ("maxLatencyMs", "Max latency (ms)"),
        ("minCost", "Min cost ($)"), ("maxCost", "Max cost ($)"),
        ("scoreName", "Score name"), ("minScore", "Min score"), ("maxScore", "Max score"),
        ("scoreLabel", "Score label"),
    ];

    /// <summary>Most score columns the list shows; the filtered score comes first, then the others by name.</summary>
    private const int MaxScoreColumns = 6;

    private static readonly string[] _viewerTimeFormats =
        ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd"];

    private readonly CancellationTokenSource _disposed = new();
    private Dictionary<string, StringValues> _query = new(StringComparer.Ordinal);
    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    // Typed values that never reach the URL, such as a local time the clocks skip, keyed by field.
    private readonly Dictionary<string, string> _typedErrors = new(StringComparer.Ordinal);
    private string? _shownQuery;
    private string? _selectedTraceId;
    private IDisposable? _watch;
    private bool _loaded;
    private bool _loadingMore;
    private bool _countPending;

    [Inject]
    private TraceListViewModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private static IEnumerable<(string Name, string Label)> TextFields => _textFields;

    private static string FeedbackFilterLabel(string value) => value switch
    {
        TraceFeedbackFilter.Any => "With feedback",
        TraceFeedbackFilter.Negative => "Negative (👎, rating ≤ 2)",
        TraceFeedbackFilter.Positive => "Positive (👍, rating ≥ 4)",
        _ => "Kind: " + value,
    };

    private TraceSort Sort { get; set; } = TraceSort.Default;

    /// <summary>The annotation page's form, its filter set to this list's filters.</summary>
    private string AnnotateLink
    {
        get
        {
            var filters = _query.Where(p => p.Key is not (ParamSort or ParamOrder or ParamTrace))
                .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
            return "/annotation?filter=" + Uri.EscapeDataString(QueryString.Create(filters).ToString().TrimStart('?'));
        }
    }

    private bool HasFilters => _query.Keys.Any(k => k is not (ParamSort or ParamOrder));

    private string RangeValue
        => Raw(ParamRange) ?? (Raw(ParamFrom) is not null || Raw(ParamTo) is not null ? CustomRange : "all");

    /// <summary>Score names of the loaded rows, the filtered first, at most <see cref="MaxScoreColumns"/>.</summary>
    private IReadOnlyList<string> ScoreColumns
    {
        get
        {
            var filtered = Raw("scoreName");
            return
            [
                .. Model.Rows
                    .SelectMany(r => r.Scores.Select(s => s.Name))
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(n => n == filtered ? 0 : 1)
                    .ThenBy(n => n, StringComparer.Ordinal)
                    .Take(MaxScoreColumns),
            ];
        }
    }

    private string TotalText => Model.Total switch
    {
        _ when !_loaded || _errors.Count > 0 || !Model.HasProject => string.Empty,
        null => "counting…",
        { Capped: true } t => t.Count.ToString("N0", CultureInfo.InvariantCulture) + "+ traces",
        { Count: 1 } => "1 trace",
        var t => t.Count.ToString("N0", CultureInfo.InvariantCulture) + " traces",
    };

    private string NewTracesText => Model.NewTraceCount switch
    {
        1 => "1 new trace",
        >= TraceListViewModel.MaxCountedNewTraces =>
            $"More than {TraceListViewModel.MaxCountedNewTraces.ToString(CultureInfo.InvariantCulture)} new traces",
        var n => $"{n.ToString(CultureInfo.InvariantCulture)} new traces",
    };

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _watch?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        Navigation.LocationChanged += OnLocationChanged;
        await LoadFromUriAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Only the interactive render gets here, so a prerendered copy of the page never subscribes.
            _watch = Model.WatchNewTraces(() => InvokeAsync(RefreshNewTracesAsync));
            if (await TimeZone.ResolveAsync(JS))
            {
                StateHasChanged();
            }
        }

        // The total is asked only once the rows are on screen, so the page never waits on a count.
        if (_countPending)
        {
            _countPending = false;
            if (await Model.CountAsync(_disposed.Token))
            {
                StateHasChanged();
            }
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
        => _ = InvokeAsync(async () =>
        {
            await LoadFromUriAsync();
            StateHasChanged();
        });

    private async Task LoadFromUriAsync()
    {
        var uri = new Uri(Navigation.Uri);

        // Leaving for a trace's page also raises the event; that URL's query is not the list's.
        if (_disposed.IsCancellationRequested
            || !uri.AbsolutePath.TrimEnd('/').EndsWith("/traces", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var query = QueryHelpers.ParseQuery(uri.Query)
            .Where(p => !string.IsNullOrWhiteSpace(p.Value.ToString()))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _selectedTraceId = query.Remove(ParamTrace, out var selected) ? selected.ToString() : null;

        // Marking another trace changes no row; only the filters and the sort reload the list.
        var queryText = QueryString.Create(query.OrderBy(p => p.Key, StringComparer.Ordinal)).ToString();
        if (queryText == _shownQuery)
        {
            return;
        }

        _shownQuery = queryText;
        _query = query;
        var (listQuery, errors) = TraceListQueryParser.Parse(new QueryCollection(_query), Time.GetUtcNow());
        _errors = errors;
        if (listQuery is null)
        {
            _loaded = true;
            return;
        }

        Sort = listQuery.Sort;
        await Model.LoadAsync(listQuery.Filter, listQuery.Sort, _disposed.Token);
        _loaded = true;
        _countPending = true;
    }

    private string? Raw(string name) => _query.TryGetValue(name, out var value) ? value.ToString() : null;

    private bool HasError(string name) => _typedErrors.ContainsKey(name) || _errors.ContainsKey(name);

    private string? ErrorOf(string name)
        => _typedErrors.TryGetValue(name, out var typed) ? typed
            : _errors.TryGetValue(name, out var messages) ? messages[0]
            : null;

    /// <summary>A time of the URL (UTC) in the viewer's zone; text that is not a time is shown as typed.</summary>
    private string? DisplayTime(string name)
    {
        var text = Raw(name);
        return text is not null
            && !_errors.ContainsKey(name)
            && DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var time)
            ? TimeZoneInfo.ConvertTime(time, TimeZone.Zone)
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : text;
    }

    private async Task RefreshNewTracesAsync()
    {
        if (!_disposed.IsCancellationRequested && await Model.RefreshNewTraceCountAsync(_disposed.Token))
        {
            StateHasChanged();
        }
    }

    private async Task ShowNewTracesAsync()
    {
        // A relative range ("last 24 hours") is read again from now, so the reloaded list is the range the URL names
        // today and not the one of the first load.
        var (listQuery, _) = TraceListQueryParser.Parse(new QueryCollection(_query), Time.GetUtcNow());
        if (listQuery is null)
        {
            await Model.ShowNewTracesAsync(_disposed.Token);
        }
        else
        {
            await Model.LoadAsync(listQuery.Filter, listQuery.Sort, _disposed.Token);
        }

        _countPending = true;
    }

    private async Task LoadMoreAsync()
    {
        _loadingMore = true;
        try
        {
            await Model.LoadMoreAsync(_disposed.Token);
        }
        finally
        {
            _loadingMore = false;
        }
    }

    private Task ApplyAsync(string name, string? value)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(
            name,
            string.IsNullOrWhiteSpace(value) ? null : value.Trim()));
        return Task.CompletedTask;
    }

    private Task ApplyRangeAsync(string? value)
    {
        // A preset replaces a custom range; "custom" keeps whatever from/to the reader types next.
        _typedErrors.Remove(ParamFrom);
        _typedErrors.Remove(ParamTo);
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [ParamRange] = value is null or CustomRange or "all" ? null : value,
            [ParamFrom] = null,
            [ParamTo] = null,
        }));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads a time typed in the viewer's zone and puts it in the URL as UTC. Text that does not read as a time
    /// goes in as typed, so the parser's message shows beside the field.
    /// </summary>
    private Task ApplyTimeAsync(string name, string? value)
    {
        _typedErrors.Remove(name);
        object? urlValue = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (urlValue is string text
            && DateTime.TryParseExact(
                text,
                _viewerTimeFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var local))
        {
            // A time in the hour the clocks skip in spring does not exist in the zone; converting it would throw.
            if (TimeZone.Zone.IsInvalidTime(local))
            {
                _typedErrors[name] = $"{text} does not exist in {TimeZone.Label}: the clocks skip that hour.";
                return Task.CompletedTask;
            }

            var utc = TimeZoneInfo.ConvertTimeToUtc(
                DateTime.SpecifyKind(local, DateTimeKind.Unspecified),
                TimeZone.Zone);
            urlValue = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [name] = urlValue,
            [ParamRange] = null,
        }));
        return Task.CompletedTask;
    }

    private void ClearFilters()
    {
        _typedErrors.Clear();

        // The sort stays, unless it is by a score: that needs the score name, which goes with the filters.
        var bySort = Raw(ParamSort) == "score";
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(
            _query.Keys
                .Where(k => bySort || k is not (ParamSort or ParamOrder))
                .ToDictionary(k => k, _ => (object?)null)));
    }

    private string ExportHref(string format)
    {
        var query = _query.ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.Ordinal);
        query["format"] = format;
        return QueryHelpers.AddQueryString("export/traces", query);
    }

    private static string TraceHref(string traceId) => "traces/" + traceId;

    /// <summary>
    /// Sorting by a score column filters to that score's traces (the sort reads its mean): the lowest first on the
    /// first click, as the worst answers are what one looks for, and the other way round on the next.
    /// </summary>
    private string ScoreSortHref(string name)
    {
        var ascending = !(Sort.Key == TraceSortKey.Score && Raw("scoreName") == name && !Sort.Descending);
        return Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [ParamSort] = "score",
            [ParamOrder] = ascending ? "asc" : "desc",
            ["scoreName"] = name,
            ["cursor"] = null,
            [ParamTrace] = null,
        });
    }

    private string ScoreSortMark(string name)
        => Sort.Key == TraceSortKey.Score && Raw("scoreName") == name
            ? (Sort.Descending ? " ▼" : " ▲")
            : string.Empty;

    private static string? ScoreTitle(ScoreSummary? score) => score switch
    {
        null => null,
        { Count: 1 } => null,
        _ => $"mean of {score.Count.ToString(CultureInfo.InvariantCulture)} scores",
    };

    private bool IsSelected(string traceId) => string.Equals(traceId, _selectedTraceId, StringComparison.Ordinal);

    /// <summary>
    /// Opens a trace, first marking it in the list's own address: going back then shows the same filters with the
    /// trace marked, and that address, shared, reproduces the view with its selection.
    /// </summary>
    private void Open(string traceId)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(ParamTrace, traceId), replace: true);
        Navigation.NavigateTo(TraceHref(traceId));
    }
}
