using System.Diagnostics;
using System.Threading.Channels;
using LlmObserve.Core.Live;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// The durable writer: callers queue batches; one loop drains whatever is waiting into a single transaction on one
/// long-lived SQLite connection and acknowledges every caller of it only after the commit. Concurrent requests thus
/// share the cost of one fsync (group commit).
/// </summary>
/// <remarks>
/// The queue is bounded by <see cref="IngestionOptions.MaxQueuedSpans"/> items (spans, scores and feedback, counted
/// until committed); past it <see cref="WriteAsync"/> throws <see cref="IngestionSaturatedException"/> at once.
/// A batch larger than the bound is still taken when nothing else is queued, so it can never be refused forever.
/// The host drives the loop through <see cref="Start"/> and <see cref="StopAsync"/>; stopping refuses new batches
/// the same way and commits everything already queued.
/// <para>
/// Full-text search is kept out of the acknowledged commit: the same thread indexes the traces whose text changed
/// in transactions of its own, when the queue is idle for <see cref="IngestionOptions.SearchIndexDelayMs"/>, and
/// under steady load at the latest <see cref="IngestionOptions.SearchIndexMaxDelayMs"/> after a change. Search is
/// thus eventually consistent, behind by about that much. Which traces wait is kept durably in the store
/// (<see cref="TraceSearchIndexer"/>), so a crash in between delays their indexing until the next start instead of
/// losing it.
/// </para>
/// <para>
/// Score aggregates (<see cref="ScoreAggregateMaintainer"/>) are brought up to date inside each commit for the traces
/// it touched, so an acknowledged score is already counted on the trace list and the Quality page. Traces whose
/// scores other connections wrote are listed by triggers and caught up by the same thread as often as it looks for
/// search work.
/// </para>
/// </remarks>
public sealed class GroupCommitSpanWriter : ISpanWriter, IAsyncDisposable, IDisposable
{
    private static readonly HashSet<string> SynchronousLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        "OFF", "NORMAL", "FULL", "EXTRA",
    };

    private const int SearchRetrySeconds = 5;

    private readonly SpanWriterConnection _connectionSettings;
    private readonly IngestionOptions _ingestion;
    private readonly string _synchronous;
    private readonly ITraceChangeNotifier _notifier;
    private readonly IRollupChangeNotifier? _rollupNotifier;
    private readonly IScoreChangeNotifier? _scoreNotifier;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitSpanWriter> _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly TaskCompletionSource _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lifecycle = new();
    private SqliteConnection? _connection;
    private SpanStoreStatements? _statements;
    private TraceSearchIndexer? _search;
    private RollupMaintainer? _rollups;
    private ScoreAggregateMaintainer? _scoreAggregates;
    private Thread? _loop;
    private bool _stopping;
    private long _queuedItems;
    private int _saturationLogged;
    private long _transactionsCommitted;
    private long _transactionsFailed;
    private long _batchesCommitted;
    private long _spansWritten;
    private long _spansAlreadyStored;
    private long _tracesRecomputed;
    private long _batchesRejected;
    private long _tracesIndexed;

    // Writer thread only: when the oldest change not yet indexed was committed (0: none known), when the pending list
    // was last looked at (which finds traces written by other connections too), and the earliest time to try again
    // after a failed pass.
    private long _searchChangedAt;
    private long _searchPolledAt;
    private long _searchRetryAt;

    // Writer thread only: traces other connections listed may wait (a full pass left more), and when to try again
    // after a failed pass.
    private bool _scoreBacklog;
    private long _scoreRetryAt;

    public GroupCommitSpanWriter(
        SpanWriterConnection connection,
        LlmObserveOptions options,
        ITraceChangeNotifier notifier,
        TimeProvider timeProvider,
        ILogger<GroupCommitSpanWriter> logger,
        IRollupChangeNotifier? rollupNotifier = null,
        IScoreChangeNotifier? scoreNotifier = null)
    {
        _synchronous = options.Storage.Synchronous.ToUpperInvariant();
        if (!SynchronousLevels.Contains(_synchronous))
        {
            throw new ArgumentException(
                $"Storage synchronous level '{options.Storage.Synchronous}' is not one SQLite knows.",
                nameof(options));
        }

        _connectionSettings = connection;
        _ingestion = options.Ingestion;
        _notifier = notifier;
        _rollupNotifier = rollupNotifier;
        _scoreNotifier = scoreNotifier;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Counters since creation; fewer transactions than batches shows commits being shared.</summary>
    /// <summary>True while the writer loop runs and takes work; false before start, after stop or a crash.</summary>
    public bool IsAccepting => _loop is not null && !_loopEnded.Task.IsCompleted && !Volatile.Read(ref _stopping);

    public GroupCommitStatistics Statistics => new(
        Interlocked.Read(ref _transactionsCommitted),
        Interlocked.Read(ref _transactionsFailed),
        Interlocked.Read(ref _batchesCommitted),
        Interlocked.Read(ref _spansWritten),
        Interlocked.Read(ref _spansAlreadyStored),
        Interlocked.Read(ref _tracesRecomputed),
        Interlocked.Read(ref _batchesRejected),
        Interlocked.Read(ref _queuedItems),
        Interlocked.Read(ref _tracesIndexed));

    /// <summary>
    /// Queues the batch and completes once its transaction committed. Every item is stored under
    /// <see cref="IngestBatch.ProjectId"/>, whatever project the entities name.
    /// </summary>
    /// <exception cref="IngestionSaturatedException">The queue is full, or the writer is stopping.</exception>
    /// <exception cref="ArgumentException">An item lacks a field the store requires; nothing was queued.</exception>
    /// <remarks>
    /// Once queued, a batch is committed or failed as a whole. A batch whose token is cancelled while it still waits
    /// for the writer is dropped and its task cancelled; once its transaction started, cancelling has no effect.
    /// </remarks>
    public Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Validate(batch);
        cancellationToken.ThrowIfCancellationRequested();

        var weight = Math.Max(1, batch.ItemCount);
        if (Volatile.Read(ref _stopping) || !TryReserve(weight))
        {
            throw Refuse();
        }

        var pending = new PendingWrite(batch, weight, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            Release(weight);
            throw Refuse();
        }

        return pending.Completion.Task;
    }

    /// <summary>Opens the connection and starts the writer loop on its own thread.</summary>
    /// <exception cref="SqliteException">The store cannot be opened; the host should not start.</exception>
    public void Start()
    {
        lock (_lifecycle)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("The span writer is already started.");
            }

            OpenConnection();

            // A previous run may have stopped between a commit and its search pass: look once the writer is idle.
            // Traces listed for their score aggregates (an upgrade lists every scored trace) are worked off likewise.
            _searchChangedAt = _time.GetTimestamp();
            _scoreBacklog = true;
            _loop = new Thread(RunLoop) { IsBackground = true, Name = "LlmObserve span writer" };
            _loop.Start();
        }

        _logger.WriterStarted(_synchronous, _ingestion.MaxQueuedSpans, _ingestion.MaxSpansPerCommit);
    }

    /// <summary>
    /// Refuses new batches, commits everything queued, then ends the loop. When <paramref name="cancellationToken"/>
    /// fires first (the host's shutdown timeout) it stops waiting; the loop still finishes in the background.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bool started;
        lock (_lifecycle)
        {
            if (!_stopping)
            {
                _stopping = true;
                _logger.Draining(Interlocked.Read(ref _queuedItems));
            }

            _queue.Writer.TryComplete();
            started = _loop is not null;
        }

        if (!started)
        {
            FailQueued(new InvalidOperationException("The span writer was stopped before it started."));
            _loopEnded.TrySetResult();
            return;
        }

        try
        {
            await _loopEnded.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.DrainTimedOut(Interlocked.Read(ref _queuedItems));
        }
    }

    /// <summary>Stops (draining the queue) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        CloseConnection();
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, for a container disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void Validate(IngestBatch batch)
    {
        if (string.IsNullOrEmpty(batch.ProjectId))
        {
            throw new ArgumentException("A batch needs the project it belongs to.", nameof(batch));
        }

        foreach (var span in batch.Spans)
        {
            if (span is null
                || string.IsNullOrEmpty(span.TraceId)
                || string.IsNullOrEmpty(span.SpanId)
                || span.Name is null
                || string.IsNullOrEmpty(span.Type)
                || string.IsNullOrEmpty(span.Status))
            {
                throw new ArgumentException(
                    "Every span needs a trace id, span id, name, type and status.",
                    nameof(batch));
            }
        }

        foreach (var score in batch.Scores)
        {
            if (score is null
                || string.IsNullOrEmpty(score.TraceId)
                || string.IsNullOrEmpty(score.Name)
                || string.IsNullOrEmpty(score.Source))
            {
                throw new ArgumentException("Every score needs a trace id, name and source.", nameof(batch));
            }
        }

        if (batch.Feedback.Any(f => f is null || string.IsNullOrEmpty(f.Kind)))
        {
            throw new ArgumentException("Every feedback entry needs a kind.", nameof(batch));
        }
    }

    private static long ToUnixNano(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100;

    private bool TryReserve(int weight)
    {
        var limit = _ingestion.MaxQueuedSpans;
        while (true)
        {
            var queued = Interlocked.Read(ref _queuedItems);
            if (queued > 0 && queued + weight > limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _queuedItems, queued + weight, queued) == queued)
            {
                return true;
            }
        }
    }

    private void Release(int weight) => Interlocked.Add(ref _queuedItems, -weight);

    private IngestionSaturatedException Refuse()
    {
        Interlocked.Increment(ref _batchesRejected);
        if (!Volatile.Read(ref _stopping) && Interlocked.Exchange(ref _saturationLogged, 1) == 0)
        {
            _logger.Saturated(
                Interlocked.Read(ref _queuedItems),
                _ingestion.MaxQueuedSpans,
                _ingestion.RetryAfterSeconds);
        }

        return new IngestionSaturatedException(_ingestion.RetryAfterSeconds);
    }

    private void RunLoop()
    {
        try
        {
            var reader = _queue.Reader;
            var group = new List<PendingWrite>();
            PendingWrite? carried = null;
            Task<bool>? arrival = null;
            while (true)
            {
                if (carried is null && !reader.TryRead(out carried))
                {
                    // Idle: the moment for search indexing, as no caller waits for it.
                    if (SearchIndexDue(idle: true))
                    {
                        IndexSearch();
                        AggregateListedScores();
                        continue;
                    }

                    if (_scoreBacklog && _time.GetTimestamp() >= _scoreRetryAt)
                    {
                        AggregateListedScores();
                        continue;
                    }

                    // Blocking is right here: this thread exists only to write, and SQLite's API is synchronous. The
                    // wait ends early when indexing falls due; the arrival task is kept for the next wait.
                    arrival ??= reader.WaitToReadAsync().AsTask();
                    if (!arrival.Wait(UntilSearchIndexDue()))
                    {
                        continue;
                    }

                    var open = arrival.GetAwaiter().GetResult();
                    arrival = null;
                    if (!open)
                    {
                        break;
                    }

                    continue;
                }

                group.Clear();
                var items = TakeUnlessCancelled(group, carried, 0);
                carried = null;
                while (items < _ingestion.MaxSpansPerCommit && reader.TryRead(out var next))
                {
                    if (items + next.Weight > _ingestion.MaxSpansPerCommit && group.Count > 0)
                    {
                        carried = next;
                        break;
                    }

                    items = TakeUnlessCancelled(group, next, items);
                }

                if (group.Count > 0)
                {
                    Commit(group, items);
                }

                // Under steady load the queue is never idle: index anyway once a change has waited the longest.
                if (SearchIndexDue(idle: false))
                {
                    IndexSearch();
                    AggregateListedScores();
                }
            }

            // Stopping: leave the index as complete as one pass makes it; a start picks up whatever remains.
            IndexSearch();
            _logger.WriterStopped(Interlocked.Read(ref _transactionsCommitted), Interlocked.Read(ref _spansWritten));
            _loopEnded.TrySetResult();
        }
        catch (Exception ex)
        {
            _logger.LoopCrashed(ex);
            _queue.Writer.TryComplete();
            FailQueued(ex);
            _loopEnded.TrySetException(ex);
        }
    }

    private int TakeUnlessCancelled(List<PendingWrite> group, PendingWrite pending, int items)
    {
        if (pending.CancellationToken.IsCancellationRequested)
        {
            Release(pending.Weight);
            pending.Completion.TrySetCanceled(pending.CancellationToken);
            return items;
        }

        group.Add(pending);
        return items + pending.Weight;
    }

    private void Commit(List<PendingWrite> group, int items)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var nowNanos = ToUnixNano(now);
        var touched = new Dictionary<string, Dictionary<string, List<SpanEntity>>>(StringComparer.Ordinal);
        var traceCount = 0;
        IReadOnlyList<(string ProjectId, string TraceId)> scored = [];

        try
        {
            var statements = EnsureOpen();
            using var transaction = _connection!.BeginTransaction(deferred: false);
            statements.Enlist(transaction);
            var storedBefore = statements.LastSpanRowId();

            foreach (var pending in group)
            {
                var batch = pending.Batch;
                Dictionary<string, List<SpanEntity>>? traces = null;
                foreach (var span in batch.Spans)
                {
                    if (statements.InsertSpan(batch.ProjectId, span, nowNanos))
                    {
                        pending.Written++;
                        traces ??= TracesOf(touched, batch.ProjectId);
                        if (!traces.TryGetValue(span.TraceId, out var written))
                        {
                            written = [];
                            traces.Add(span.TraceId, written);
                        }

                        written.Add(span);
                    }
                    else
                    {
                        pending.AlreadyStored++;
                    }
                }

                foreach (var score in batch.Scores)
                {
                    if (!statements.InsertScore(batch.ProjectId, score, now))
                    {
                        pending.ScoresAlreadyStored++;
                    }
                }

                foreach (var feedback in batch.Feedback)
                {
                    if (!statements.InsertFeedback(batch.ProjectId, feedback, now))
                    {
                        pending.FeedbackAlreadyStored++;
                    }
                }
            }

            var contributions = new List<(string, string, TraceContribution?)>();
            foreach (var (projectId, traces) in touched)
            {
                foreach (var (traceId, written) in traces)
                {
                    var contribution = statements.UpsertTrace(projectId, traceId, written, storedBefore, nowNanos);
                    contributions.Add((projectId, traceId, contribution));
                    traceCount++;
                }
            }

            _rollups!.Apply(transaction, contributions);

            // The traces this commit gave scores or spans: those the triggers listed get their score aggregates now.
            var scoredCandidates = group
                .SelectMany(p => p.Batch.Scores.Select(score => (p.Batch.ProjectId, score.TraceId)))
                .Concat(touched.SelectMany(p => p.Value.Keys.Select(traceId => (p.Key, traceId))));
            scored = _scoreAggregates!.ApplyListed(transaction, scoredCandidates);

            transaction.Commit();
            statements.Enlist(null);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _transactionsFailed);
            _logger.CommitFailed(ex, group.Count, items);

            // The transaction is gone (rolled back by its disposal); a connection left in doubt is replaced.
            CloseConnection();
            if (group.Count > 1 && IsCausedByData(ex))
            {
                // One request's data must not fail the others that happened to share its commit: retry each
                // alone, so only the batch that causes the failure sees it.
                foreach (var pending in group)
                {
                    pending.Written = 0;
                    pending.AlreadyStored = 0;
                    pending.ScoresAlreadyStored = 0;
                    pending.FeedbackAlreadyStored = 0;
                    Commit([pending], pending.Weight);
                }

                return;
            }

            foreach (var pending in group)
            {
                Release(pending.Weight);
                pending.Completion.TrySetException(ex);
            }

            return;
        }

        Acknowledge(group, touched, traceCount, started);
        PublishScores(scored);
    }

    /// <summary>
    /// Brings listed traces' score aggregates up to date in a transaction of its own (scores written by other
    /// connections, or the backlog of an upgrade), a bounded number per pass. A failure is logged and retried later.
    /// </summary>
    private void AggregateListedScores()
    {
        var started = _time.GetTimestamp();
        if (started < _scoreRetryAt)
        {
            return;
        }

        try
        {
            EnsureOpen();
            if (!_scoreAggregates!.HasPending())
            {
                _scoreBacklog = false;
                return;
            }

            var limit = _ingestion.SearchIndexMaxTraces;
            IReadOnlyList<(string ProjectId, string TraceId)> applied;
            using (var transaction = _connection!.BeginTransaction(deferred: false))
            {
                applied = _scoreAggregates.ApplyPending(transaction, limit);
                transaction.Commit();
            }

            _scoreBacklog = applied.Count >= limit;
            _logger.ScoresAggregated(applied.Count, _time.GetElapsedTime(started).TotalMilliseconds);
            PublishScores(applied);
        }
        catch (Exception ex)
        {
            _logger.ScoreAggregationFailed(ex);
            CloseConnection();
            _scoreRetryAt = started + (SearchRetrySeconds * _time.TimestampFrequency);
        }
    }

    private void PublishScores(IReadOnlyList<(string ProjectId, string TraceId)> traces)
    {
        if (_scoreNotifier is null || traces.Count == 0)
        {
            return;
        }

        var at = _time.GetUtcNow();
        foreach (var project in traces.GroupBy(t => t.ProjectId, StringComparer.Ordinal))
        {
            _scoreNotifier.Publish(new ScoreChange(project.Key, [.. project.Select(t => t.TraceId)], at));
        }
    }

    /// <summary>
    /// True when the failure comes from what was written (a constraint, an overflow, a value the store refuses)
    /// rather than from the store itself (busy, locked, full, I/O), which retrying batch by batch cannot cure.
    /// </summary>
    private static bool IsCausedByData(Exception ex) => ex switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is 1 or 18 or 19 or 20 or 25,
        ArgumentException or InvalidCastException or OverflowException or FormatException => true,
        _ => false,
    };

    private void Acknowledge(
        List<PendingWrite> group,
        Dictionary<string, Dictionary<string, List<SpanEntity>>> touched,
        int traceCount,
        long started)
    {
        var written = 0;
        var alreadyStored = 0;
        foreach (var pending in group)
        {
            written += pending.Written;
            alreadyStored += pending.AlreadyStored;
        }

        Interlocked.Increment(ref _transactionsCommitted);
        Interlocked.Add(ref _batchesCommitted, group.Count);
        Interlocked.Add(ref _spansWritten, written);
        Interlocked.Add(ref _spansAlreadyStored, alreadyStored);
        Interlocked.Add(ref _tracesRecomputed, traceCount);
        Volatile.Write(ref _saturationLogged, 0);
        if (traceCount > 0 && _searchChangedAt == 0)
        {
            _searchChangedAt = _time.GetTimestamp();
        }

        foreach (var pending in group)
        {
            Release(pending.Weight);
            pending.Completion.TrySetResult(new IngestResult(
                pending.Written,
                pending.AlreadyStored,
                pending.ScoresAlreadyStored,
                pending.FeedbackAlreadyStored));
        }

        _logger.Committed(
            group.Count,
            written,
            alreadyStored,
            traceCount,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        var at = _time.GetUtcNow();
        foreach (var (projectId, traces) in touched)
        {
            _notifier.Publish(new TraceChange(projectId, [.. traces.Keys], at));
            _rollupNotifier?.Publish(new RollupChange(projectId, at));
        }
    }

    /// <summary>
    /// True when a search pass should run now. Idle, a change waits <see cref="IngestionOptions.SearchIndexDelayMs"/>
    /// so passes gather many traces; busy, up to <see cref="IngestionOptions.SearchIndexMaxDelayMs"/>. With no change
    /// known, the pending list is looked at that often, for traces other connections wrote.
    /// </summary>
    private bool SearchIndexDue(bool idle)
    {
        var now = _time.GetTimestamp();
        if (now < _searchRetryAt)
        {
            return false;
        }

        if (_searchChangedAt == 0)
        {
            var sincePoll = _time.GetElapsedTime(_searchPolledAt, now).TotalMilliseconds;
            return idle && sincePoll >= _ingestion.SearchIndexMaxDelayMs;
        }

        var waited = _time.GetElapsedTime(_searchChangedAt, now).TotalMilliseconds;
        return waited >= (idle ? _ingestion.SearchIndexDelayMs : _ingestion.SearchIndexMaxDelayMs);
    }

    /// <summary>How long an idle wait may last before <see cref="SearchIndexDue"/> turns true.</summary>
    private TimeSpan UntilSearchIndexDue()
    {
        var now = _time.GetTimestamp();
        var (from, delay) = _searchChangedAt == 0
            ? (_searchPolledAt, _ingestion.SearchIndexMaxDelayMs)
            : (_searchChangedAt, _ingestion.SearchIndexDelayMs);
        var due = TimeSpan.FromMilliseconds(delay) - _time.GetElapsedTime(from, now);
        var retry = _time.GetElapsedTime(now, Math.Max(now, _searchRetryAt));
        var wait = due > retry ? due : retry;
        return wait > TimeSpan.Zero ? wait + TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
    }

    /// <summary>
    /// One search pass: indexes up to <see cref="IngestionOptions.SearchIndexMaxTraces"/> pending traces in a
    /// transaction of its own. A failure is logged and retried later; ingestion goes on, and the traces stay listed.
    /// </summary>
    private void IndexSearch()
    {
        var started = _time.GetTimestamp();
        _searchPolledAt = started;
        try
        {
            EnsureOpen();
            if (!_search!.HasPending())
            {
                _searchChangedAt = 0;
                return;
            }

            var indexed = _search.IndexPending(_ingestion.SearchIndexMaxTraces);
            Interlocked.Add(ref _tracesIndexed, indexed);

            // A full pass may have left more: due again at once when idle, after a while under load, so a large
            // backlog (a store just migrated) is worked off without starving the commits.
            var idleDelay = (long)(_ingestion.SearchIndexDelayMs / 1000.0 * _time.TimestampFrequency);
            _searchChangedAt = indexed < _ingestion.SearchIndexMaxTraces ? 0 : started - idleDelay;
            _logger.SearchIndexed(indexed, _time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            _logger.SearchIndexFailed(ex);
            CloseConnection();
            _searchRetryAt = started + (SearchRetrySeconds * _time.TimestampFrequency);
        }
    }

    private static Dictionary<string, List<SpanEntity>> TracesOf(
        Dictionary<string, Dictionary<string, List<SpanEntity>>> touched,
        string projectId)
    {
        if (!touched.TryGetValue(projectId, out var traces))
        {
            traces = new Dictionary<string, List<SpanEntity>>(StringComparer.Ordinal);
            touched.Add(projectId, traces);
        }

        return traces;
    }

    private void FailQueued(Exception exception)
    {
        while (_queue.Reader.TryRead(out var pending))
        {
            Release(pending.Weight);
            pending.Completion.TrySetException(exception);
        }
    }

    private SpanStoreStatements EnsureOpen()
    {
        if (_statements is null)
        {
            OpenConnection();
        }

        return _statements!;
    }

    private void OpenConnection()
    {
        var builder = new SqliteConnectionStringBuilder(_connectionSettings.ConnectionString)
        {
            // One connection for the writer's whole life: a pool would only keep the file open after disposal.
            Pooling = false,
        };

        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            _connectionSettings.ConfigureConnection?.Invoke(connection);
            using (var pragma = connection.CreateCommand())
            {
                // WAL lets readers go on while the writer commits; the synchronous level decides what a commit
                // survives. The page cache keeps its default size: a 64 MB one cost more upkeep per commit (cache
                // truncation) than it saved, the OS page cache serving the misses.
                pragma.CommandText =
                    $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000; " +
                    "PRAGMA temp_store=MEMORY;";
                pragma.ExecuteNonQuery();
            }

            _statements = new SpanStoreStatements(connection);
            _search = new TraceSearchIndexer(connection, _synchronous);
            _rollups = new RollupMaintainer(connection);
            _scoreAggregates = new ScoreAggregateMaintainer(connection);
            _connection = connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void CloseConnection()
    {
        _statements?.Dispose();
        _statements = null;
        _search?.Dispose();
        _search = null;
        _rollups?.Dispose();
        _rollups = null;
        _scoreAggregates?.Dispose();
        _scoreAggregates = null;
        _connection?.Dispose();
        _connection = null;
    }

    private sealed class PendingWrite(IngestBatch batch, int weight, CancellationToken cancellationToken)
    {
        public IngestBatch Batch { get; } = batch;

        public int Weight { get; } = weight;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<IngestResult> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Written { get; set; }

        public int AlreadyStored { get; set; }

        public int ScoresAlreadyStored { get; set; }

        public int FeedbackAlreadyStored { get; set; }
    }
}

