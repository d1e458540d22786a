using LlmObserve.Core.Costs;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>
/// One trace: its header, the span tree, and the span selected in the URL (<c>?span=</c>). The prerender answers
/// with the header and the selected span and starts reading the outline, which the circuit then takes over
/// (<see cref="TracePageHandoff"/>); an unknown trace answers 404 with its own message.
/// </summary>
public sealed partial class TraceView : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private string? _loadedTraceId;
    private bool _loaded;
    private SpanDetail? _selected;
    private SpanDetail? _selectedFull;
    private IReadOnlyList<SpanDetail>? _spanNamesOf;
    private Dictionary<string, string> _spanNames = [];
    private IReadOnlyList<SpanDetail>? _exclusionsOf;
    private IReadOnlyDictionary<string, UsageExclusion> _exclusions = new Dictionary<string, UsageExclusion>();

    [Inject]
    private TraceDetailViewModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private PrerenderStatus Status { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string TraceId { get; set; } = string.Empty;

    [SupplyParameterFromQuery(Name = "span")]
    public string? SpanId { get; set; }

    /// <summary>The key of what the prerender left for the circuit; persisted with the prerendered page.</summary>
    [PersistentState]
    public string? HandoffKey { get; set; }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        // Selecting a span changes only the query; the trace is loaded again only for another trace id.
        if (!string.Equals(_loadedTraceId, TraceId, StringComparison.Ordinal))
        {
            _loadedTraceId = TraceId;
            _selectedFull = null;
            if (!RendererInfo.IsInteractive)
            {
                await PrerenderAsync();
                return;
            }

            // The page rendered while the outline loads shows what the prerender showed, so nothing flickers.
            _selectedFull = Model.Resume(TraceId, HandoffKey);
            HandoffKey = null;
            _loaded = Model.Trace is not null;
            await Model.LoadAsync(TraceId, _disposed.Token);
            _loaded = true;
        }

        _selected = Model.SelectSpan(SpanId);

        // Only the selected span's large fields are fetched, so opening a huge trace stays light.
        if (_selected is { } selected && _selectedFull?.SpanId != selected.SpanId)
        {
            _selectedFull = await Model.LoadSpanAsync(selected.SpanId, _disposed.Token) ?? selected;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && await TimeZone.ResolveAsync(JS))
        {
            StateHasChanged();
        }
    }

    private async Task PrerenderAsync()
    {
        (_selectedFull, HandoffKey) = await Model.PrerenderAsync(TraceId, SpanId, _disposed.Token);
        _loaded = true;
        if (Model.NotFound)
        {
            Status.NotFound(RendererInfo);
        }
    }

    private void SelectSpan(string spanId)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("span", spanId), replace: true);

    /// <summary>
    /// The trace's span names by id, once the outline is loaded (ids stand in for them until then); built once per
    /// loaded outline, as a trace can hold ten thousand spans.
    /// </summary>
    private Dictionary<string, string> SpanNames
    {
        get
        {
            if (!Model.SpansLoaded || Model.Trace is not { } trace)
            {
                return [];
            }

            if (!ReferenceEquals(_spanNamesOf, trace.Spans))
            {
                _spanNamesOf = trace.Spans;
                _spanNames = trace.Spans
                    .GroupBy(s => s.SpanId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
            }

            return _spanNames;
        }
    }

    private static List<ScoreView> ScoresOf(TraceDetail trace, string spanId)
        => [.. trace.Scores.Where(s => string.Equals(s.SpanId, spanId, StringComparison.Ordinal))];

    /// <summary>Why the span's usage is left out of the totals, by the totals' own rule; null when it counts.</summary>
    private UsageExclusion? ExclusionOf(string spanId)
    {
        if (!Model.SpansLoaded || Model.Trace is not { } trace)
        {
            return null;
        }

        if (!ReferenceEquals(_exclusionsOf, trace.Spans))
        {
            _exclusionsOf = trace.Spans;
            _exclusions = UsageCounting.Excluded(trace.Spans);
        }

        return _exclusions.TryGetValue(spanId, out var exclusion) ? exclusion : null;
    }

    private static string SessionHref(string sessionId) => PageLinks.Session(sessionId);

    private static string UserHref(string userId) => PageLinks.User(userId);
}
