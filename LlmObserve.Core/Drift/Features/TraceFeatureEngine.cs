using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Drift.Features;

/// <summary>What one run of the feature engine did.</summary>
public sealed record TraceFeatureRunReport(int Featured, int Passes);

/// <summary>
/// Computes the drift features of stored traces in the background. Per project, a cursor in the store says up to
/// which trace row every trace has been decided; a pass reads the traces after it in the order they were first
/// stored, features the settled and sampled ones that lack features of this version (or whose trace changed since),
/// and stores their rows and the moved cursor in one transaction. Nothing is held in memory between passes: a stop,
/// a crash or a restart leaves either the whole batch stored with its cursor, or none of it, so a trace is never
/// lost or featured twice. The cursor is moved only from where the pass read it, so of two instances working at
/// once only one stores a batch.
/// </summary>
/// <remarks>
/// Settled: no span of the trace arrived for <see cref="TraceFeatureOptions.SettleSeconds"/> (the trace row's last
/// write time). The cursor stops before the first trace still receiving spans, and later settled traces are featured
/// past it; when the cursor moves on, those are seen again and skipped, or featured again if a span arrived since.
/// </remarks>
public sealed class TraceFeatureEngine(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    TraceFeatureModels models,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    ILogger<TraceFeatureEngine> logger)
{
    private readonly SemaphoreSlim _running = new(1, 1);

    private TraceFeatureOptions Settings => options.Drift.Features;

    /// <summary>Makes passes over every project until nothing is left, its time is up or it is cancelled.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; what was not committed is redone next run.</exception>
    public async Task<TraceFeatureRunReport> RunAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var started = timeProvider.GetTimestamp();
            var (featured, passes) = (0, 0);
            List<string> projects;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                projects = await db.Projects.AsNoTracking()
                    .Where(p => p.DeletedAt == null)
                    .Select(p => p.Id)
                    .ToListAsync(cancellationToken);
            }

            var busy = projects.ToHashSet(StringComparer.Ordinal);
            while (busy.Count > 0 && timeProvider.GetElapsedTime(started).TotalSeconds < Settings.MaxRunSeconds)
            {
                foreach (var project in busy.ToList())
                {
                    var pass = await RunPassAsync(project, cancellationToken);
                    passes++;
                    featured += pass.Featured;
                    if (!pass.Progressed)
                    {
                        busy.Remove(project);
                    }
                }
            }

            return new TraceFeatureRunReport(featured, passes);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>Completes once no run is working (a stopping host waits here after cancelling the run).</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        _running.Release();
    }

    private async Task<PassResult> RunPassAsync(string projectId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var cursor = await CursorAsync(db, projectId, now, cancellationToken);
        if (cursor is null)
        {
            return PassResult.Idle;
        }

        var scan = await ScanAsync(db, projectId, cursor.Value, now, cancellationToken);
        if (scan.Work.Count == 0 && scan.Cursor == cursor.Value)
        {
            return PassResult.Idle;
        }

        if (!models.IsLoaded && scan.Work.Count > 0)
        {
            var loading = Stopwatch.StartNew();
            await Task.Run(() => models.Extractor, cancellationToken);
            logger.Loaded(loading.Elapsed.TotalMilliseconds);
        }

        // Each worker takes a contiguous share of the batch and embeds its texts in one call (sorted into batches
        // by the embedder), which runs MiniLM several times faster than trace by trace.
        var computed = new TraceFeatureValues?[scan.Work.Count];
        var workers = Math.Clamp(Settings.Concurrency, 1, Math.Max(1, scan.Work.Count));
        var share = (scan.Work.Count + workers - 1) / workers;
        await Parallel.ForAsync(
            0,
            workers,
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
            (worker, cancel) =>
            {
                var first = worker * share;
                var count = Math.Min(share, scan.Work.Count - first);
                if (count > 0)
                {
                    ComputeShare(scan.Work, first, count, computed, cancel);
                }

                return ValueTask.CompletedTask;
            });

        var stored = await StoreAsync(db, projectId, cursor.Value, scan, computed, now, cancellationToken);
        logger.PassDone(projectId, stored, cursor.Value, scan.Cursor, clock.Elapsed.TotalMilliseconds);
        return new PassResult(stored, Progressed: stored > 0 || scan.Cursor != cursor.Value);
    }

    private void ComputeShare(
        IReadOnlyList<TraceWork> work,
        int first,
        int count,
        TraceFeatureValues?[] computed,
        CancellationToken cancellationToken)
    {
        var sources = new TraceFeatureSource[count];
        for (var i = 0; i < count; i++)
        {
            sources[i] = work[first + i].Source;
        }

        try
        {
            var values = models.Extractor.ExtractMany(sources, cancellationToken);
            values.CopyTo(computed, first);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // One trace's text broke a model: trace by trace, so only that one goes without features.
            for (var i = 0; i < count; i++)
            {
                computed[first + i] = Compute(work[first + i], cancellationToken);
            }
        }
    }

    private TraceFeatureValues? Compute(TraceWork work, CancellationToken cancellationToken)
    {
        try
        {
            return models.Extractor.Extract(work.Source, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A trace whose text breaks a model is passed over rather than blocking every trace after it; the read
            // API counts it among the traces without features.
            logger.Failed(error, work.TraceId);
            return null;
        }
    }

    /// <summary>
    /// The project's cursor for this feature version; a first start or a new version begins at the first trace that
    /// started within <see cref="TraceFeatureOptions.BackfillDays"/>. Null when the store's cursor belongs to a
    /// newer version (an older instance during a rolling update leaves it alone).
    /// </summary>
    private async Task<long?> CursorAsync(
        LlmObserveDbContext db,
        string projectId,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var stored = await db.TraceFeatureCursors.AsNoTracking()
            .Where(c => c.ProjectId == projectId)
            .Select(c => new { c.FeatureVersion, c.CursorRowId })
            .FirstOrDefaultAsync(cancellationToken);
        if (stored is not null && stored.FeatureVersion == TraceFeatureExtractor.Version)
        {
            return stored.CursorRowId;
        }

        if (stored is not null && stored.FeatureVersion > TraceFeatureExtractor.Version)
        {
            return null;
        }

        var since = UnixNanos.FromDateTimeOffset(now - TimeSpan.FromDays(Settings.BackfillDays));
        var first = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId && t.StartTimeUnixNano >= since)
            .MinAsync(t => (long?)t.Id, cancellationToken);
        var last = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId)
            .MaxAsync(t => (long?)t.Id, cancellationToken);
        var start = first is { } id ? id - 1 : last ?? 0;

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var upsert = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        upsert.CommandText = """
            INSERT INTO "TraceFeatureCursors" ("ProjectId", "FeatureVersion", "CursorRowId", "UpdatedAt")
            VALUES ($project, $version, $cursor, $now)
            ON CONFLICT ("ProjectId") DO UPDATE SET
                "FeatureVersion" = excluded."FeatureVersion",
                "CursorRowId" = excluded."CursorRowId",
                "UpdatedAt" = excluded."UpdatedAt"
            WHERE "FeatureVersion" < excluded."FeatureVersion"
            """;
        upsert.Parameters.AddWithValue("$project", projectId);
        upsert.Parameters.AddWithValue("$version", TraceFeatureExtractor.Version);
        upsert.Parameters.AddWithValue("$cursor", start);
        upsert.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
        if (await upsert.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            logger.CursorStarted(projectId, TraceFeatureExtractor.Version, start);
        }

        // Another instance may have started it first: its value counts.
        return await db.TraceFeatureCursors.AsNoTracking()
            .Where(c => c.ProjectId == projectId && c.FeatureVersion == TraceFeatureExtractor.Version)
            .Select(c => (long?)c.CursorRowId)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the traces after the cursor and picks those to feature: settled, sampled, and without features of this
    /// version made from the trace as it is now. The cursor may move past what was decided, and stops before the first
    /// trace still receiving spans.
    /// </summary>
    private async Task<TraceScan> ScanAsync(
        LlmObserveDbContext db,
        string projectId,
        long cursor,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();

        // NOT INDEXED keeps SQLite on the row id range instead of a project index it would then have to sort.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT t."Id", t."TraceId", t."UpdatedAtUnixNano", f."FeatureVersion", f."TraceUpdatedAtUnixNano"
            FROM "Traces" AS t NOT INDEXED
            LEFT JOIN "TraceFeatures" AS f ON f."ProjectId" = t."ProjectId" AND f."TraceId" = t."TraceId"
            WHERE t."ProjectId" = $project AND t."Id" > $cursor
            ORDER BY t."Id"
            LIMIT {Settings.ScanSize}
            """);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$cursor", cursor);

        var settledBefore = UnixNanos.FromDateTimeOffset(now - TimeSpan.FromSeconds(Settings.SettleSeconds));
        var picked = new List<(string TraceId, long UpdatedAt)>();
        var next = cursor;
        var blocked = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var rowId = reader.GetInt64(0);
                var traceId = reader.GetString(1);
                var updatedAt = reader.GetInt64(2);
                if (updatedAt > settledBefore)
                {
                    blocked = true;
                    continue;
                }

                var done = !reader.IsDBNull(3)
                    && reader.GetInt32(3) >= TraceFeatureExtractor.Version
                    && reader.GetInt64(4) >= updatedAt;
                if (!done && EvaluationSampling.IsSampled(traceId, Settings.SamplingRate))
                {
                    if (picked.Count >= Settings.BatchSize)
                    {
                        break;
                    }

                    picked.Add((traceId, updatedAt));
                }

                if (!blocked)
                {
                    next = rowId;
                }
            }
        }

        if (picked.Count == 0)
        {
            return new TraceScan([], next);
        }

        var ids = picked.Select(p => p.TraceId).ToList();
        var sources = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId && ids.Contains(t.TraceId))
            .Select(t => new { t.TraceId, t.InputText, t.OutputText, t.LatencyMs, t.Cost })
            .ToDictionaryAsync(t => t.TraceId, StringComparer.Ordinal, cancellationToken);
        var work = picked
            .Where(p => sources.ContainsKey(p.TraceId))
            .Select(p =>
            {
                var source = sources[p.TraceId];
                return new TraceWork(
                    p.TraceId,
                    p.UpdatedAt,
                    new TraceFeatureSource(source.InputText, source.OutputText, source.LatencyMs, source.Cost));
            })
            .ToList();
        return new TraceScan(work, next);
    }

    /// <summary>
    /// Stores the batch's features and the moved cursor in one transaction, only if the cursor is still where this
    /// pass read it; a trace deleted meanwhile gets no row. Returns the rows written.
    /// </summary>
    private async Task<int> StoreAsync(
        LlmObserveDbContext db,
        string projectId,
        long previous,
        TraceScan scan,
        TraceFeatureValues?[] computed,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var written = 0;
        await using (var upsert = Command(connection, transaction, TraceFeatureSql.Upsert))
        {
            var parameters = TraceFeatureSql.Parameters(upsert);
            for (var i = 0; i < scan.Work.Count; i++)
            {
                if (computed[i] is not { } values)
                {
                    continue;
                }

                var work = scan.Work[i];
                TraceFeatureSql.Bind(parameters, projectId, work.TraceId, work.UpdatedAt, now, values);
                written += await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var move = Command(connection, transaction, """
            UPDATE "TraceFeatureCursors" SET "CursorRowId" = $cursor, "UpdatedAt" = $now
            WHERE "ProjectId" = $project AND "FeatureVersion" = $version AND "CursorRowId" = $previous
            """))
        {
            move.Parameters.AddWithValue("$cursor", scan.Cursor);
            move.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            move.Parameters.AddWithValue("$project", projectId);
            move.Parameters.AddWithValue("$version", TraceFeatureExtractor.Version);
            move.Parameters.AddWithValue("$previous", previous);
            if (await move.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // Another instance moved the cursor (or started a new version): its batch counts, not this one.
                await transaction.RollbackAsync(cancellationToken);
                return 0;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static SqliteCommand Command(SqliteConnection connection, IDbContextTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
        command.CommandText = sql;
        return command;
    }

    private sealed record TraceWork(string TraceId, long UpdatedAt, TraceFeatureSource Source);

    private sealed record TraceScan(IReadOnlyList<TraceWork> Work, long Cursor);

    private sealed record PassResult(int Featured, bool Progressed)
    {
        public static readonly PassResult Idle = new(0, false);
    }
}
