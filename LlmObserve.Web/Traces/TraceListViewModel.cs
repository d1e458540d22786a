using LlmObserve.Core.Live;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Traces;

/// <summary>
/// State of the trace list page: the loaded rows, the keyset pager and the count of traces that arrived since.
/// Until accounts exist it shows the first project of the store.
/// </summary>
public sealed class TraceListViewModel(
    TraceQueries queries,
    CurrentProject currentProject,
    ITraceChangeNotifier notifier,
    IScoreChangeNotifier scoreNotifier,
    TimeProvider timeProvider)
{
    public const int PageSize = 50;

    /// <summary>New traces are counted up to this many; beyond it the page says "more than".</summary>
    public const int MaxCountedNewTraces = 1000;

    private static readonly TimeSpan _liveRefreshInterval = TimeSpan.FromSeconds(1);

    private readonly List<TraceSummary> _rows = [];
    private readonly Lock _changedGate = new();
    private HashSet<string> _changedTraceIds = new(StringComparer.Ordinal);
    private bool _loading;
    private TraceFilter _filter = TraceFilter.None;
    private TraceSort _sort = TraceSort.Default;
    private string? _nextCursor;
    private string? _projectId;

    // Traces stored after this row id arrived after the list was loaded.
    private long _arrivalMark;

    // Bumped by every reload, so a count computed against rows that were replaced meanwhile is discarded.
    private int _loadVersion;

    public IReadOnlyList<TraceSummary> Rows => _rows;

    public bool HasMore => _nextCursor is not null;

    /// <summary>False while the store has no project at all.</summary>
    public bool HasProject => _projectId is not null;

    /// <summary>
    /// Traces matching the filters that arrived after the list was loaded, whatever the sort: the first page under
    /// that sort, loaded again, puts each where it belongs.
    /// </summary>
    public int NewTraceCount { get; private set; }

    /// <summary>How many traces match the filters; null until <see cref="CountAsync"/> has answered.</summary>
    public TraceCount? Total { get; private set; }

    public async Task LoadAsync(TraceFilter filter, TraceSort sort, CancellationToken cancellationToken)
    {
        _projectId ??= await currentProject.GetIdAsync(cancellationToken);
        _loadVersion++;
        _filter = filter;
        _sort = sort;
        _rows.Clear();
        _nextCursor = null;
        NewTraceCount = 0;
        Total = null;
        if (_projectId is null)
        {
            return;
        }

        _loading = true;
        try
        {
            // Marked before the read: a trace stored in between may be both shown and counted, never neither.
            _arrivalMark = await queries.LatestArrivalAsync(cancellationToken);
            var page = await queries.ListAsync(_projectId, filter, sort, after: null, PageSize, cancellationToken);
            _rows.AddRange(page.Data);
            _nextCursor = page.NextCursor;
        }
        finally
        {
            _loading = false;
        }

        // Spans that arrived while the page was being read may be newer than what it read.
        await RefreshChangedRowsAsync(cancellationToken);
    }

    /// <summary>
    /// Counts the traces matching the filters, up to <see cref="TraceEndpoints.CountCap"/>. The page asks for it
    /// after the first page is shown, so the rows never wait on the count; true when the count is current.
    /// </summary>
    public async Task<bool> CountAsync(CancellationToken cancellationToken)
    {
        if (_projectId is null)
        {
            return false;
        }

        var version = _loadVersion;
        var total = await queries.CountAsync(_projectId, _filter, TraceEndpoints.CountCap, cancellationToken);
        if (version != _loadVersion)
        {
            return false;
        }

        Total = total;
        return true;
    }

    /// <summary>Reloads the first page so the traces counted as new come into view.</summary>
    public Task ShowNewTracesAsync(CancellationToken cancellationToken)
        => LoadAsync(_filter, _sort, cancellationToken);

    public async Task LoadMoreAsync(CancellationToken cancellationToken)
    {
        if (_projectId is null || !TraceCursor.TryDecode(_nextCursor, out var cursor))
        {
            return;
        }

        var page = await queries.ListAsync(_projectId, _filter, _sort, cursor, PageSize, cancellationToken);
        _rows.AddRange(page.Data);
        _nextCursor = page.NextCursor;
    }

    /// <summary>
    /// Calls <paramref name="refresh"/> at most once a second while traces of the shown project are being written
    /// or scored. The page disposes the handle when it goes away.
    /// </summary>
    public IDisposable WatchNewTraces(Func<Task> refresh)
    {
        var throttler = new CallbackThrottler(_liveRefreshInterval, timeProvider, refresh);
        void Changed(string projectId, IEnumerable<string> traceIds)
        {
            if (_projectId is not null && string.Equals(projectId, _projectId, StringComparison.Ordinal))
            {
                lock (_changedGate)
                {
                    _changedTraceIds.UnionWith(traceIds);
                }

                throttler.Signal();
            }
        }

        var traces = notifier.Subscribe(change =>
        {
            Changed(change.ProjectId, change.TraceIds);
            return Task.CompletedTask;
        });

        // A score changes a row's score cells, not the trace: the row is read again in place all the same.
        var scores = scoreNotifier.Subscribe(change =>
        {
            Changed(change.ProjectId, change.TraceIds);
            return Task.CompletedTask;
        });
        return new WatchHandle([traces, scores], throttler);
    }

    /// <summary>
    /// Counts the traces that arrived since the first page was loaded, and refreshes in place the shown rows whose
    /// traces received spans (a trace often arrives child spans first); true when anything shown changed.
    /// </summary>
    public async Task<bool> RefreshNewTraceCountAsync(CancellationToken cancellationToken)
    {
        if (_projectId is null)
        {
            return false;
        }

        var rowsChanged = await RefreshChangedRowsAsync(cancellationToken);

        var version = _loadVersion;
        var count = await queries.CountArrivedSinceAsync(
            _projectId,
            _filter,
            _arrivalMark,
            MaxCountedNewTraces,
            cancellationToken);
        if (version != _loadVersion)
        {
            return false;
        }

        var changed = count != NewTraceCount;
        NewTraceCount = count;
        return changed || rowsChanged;
    }

    private async Task<bool> RefreshChangedRowsAsync(CancellationToken cancellationToken)
    {
        if (_loading)
        {
            // The ids stay queued; the load refreshes them when it ends.
            return false;
        }

        HashSet<string> changed;
        lock (_changedGate)
        {
            changed = _changedTraceIds;
            _changedTraceIds = new HashSet<string>(StringComparer.Ordinal);
        }

        var shown = _rows.Where(r => changed.Contains(r.TraceId)).Select(r => r.TraceId).ToList();
        if (shown.Count == 0)
        {
            return false;
        }

        var version = _loadVersion;
        var fresh = await queries.ListAsync(
            _projectId!,
            new TraceFilter { TraceIds = shown },
            TraceSort.Default,
            after: null,
            shown.Count,
            cancellationToken);
        if (version != _loadVersion)
        {
            // The rows were replaced meanwhile: keep the changes for the rows now shown.
            lock (_changedGate)
            {
                _changedTraceIds.UnionWith(shown);
            }

            return false;
        }

        // Rows keep their place even if an early span moved the trace start: the reader's view never reorders.
        var byId = fresh.Data.ToDictionary(r => r.TraceId, StringComparer.Ordinal);
        for (var i = 0; i < _rows.Count; i++)
        {
            if (byId.TryGetValue(_rows[i].TraceId, out var row))
            {
                _rows[i] = row;
            }
        }

        return true;
    }

    private sealed class WatchHandle(IReadOnlyList<IDisposable> subscriptions, CallbackThrottler throttler)
        : IDisposable
    {
        public void Dispose()
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }

            throttler.Dispose();
        }
    }
}
