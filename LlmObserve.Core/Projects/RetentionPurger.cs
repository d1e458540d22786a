using LlmObserve.Core.Metrics;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>What a retention pass removed from one project.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="Cutoff">Traces that started before this were purged.</param>
/// <param name="Traces">Traces removed, with their spans, scores, feedback, features, runs and annotations.</param>
/// <param name="UnlinkedFeedback">Feedback never linked to a trace and given before the cutoff.</param>
public sealed record RetentionReport(string ProjectId, DateTimeOffset Cutoff, long Traces, long UnlinkedFeedback);

/// <summary>
/// Purges, for each project with a <see cref="Project.RetentionDays"/>, the traces that started more than that many
/// days ago, oldest first, <see cref="RetentionOptions.BatchTraces"/> traces per short write transaction with a pause
/// after each, so the span writer waits at most one batch. With its traces go their spans, scores, feedback,
/// evaluation runs and annotation items (and, through the store's triggers, their features, facets and search
/// entries). Dataset items keep their own copy of the text and only name the trace they came from.
/// </summary>
/// <remarks>
/// The derived tables stay exact: inside each batch the trace's share of the metric and actor rollups is taken back
/// (<see cref="RollupMaintainer"/>) and its score aggregates recomputed (<see cref="ScoreAggregateMaintainer"/>),
/// so charts and the trace list never count a purged trace.
/// </remarks>
public sealed class RetentionPurger(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options,
    TimeProvider timeProvider)
{
    private const string Ids = "(SELECT value FROM json_each($ids))";

    private static readonly string[] _deleteByTrace =
    [
        $"""DELETE FROM "Spans" WHERE "ProjectId" = $project AND "TraceId" IN {Ids}""",
        $"""DELETE FROM "Scores" WHERE "ProjectId" = $project AND "TraceId" IN {Ids}""",
        $"""DELETE FROM "Feedback" WHERE "ProjectId" = $project AND "TraceId" IN {Ids}""",
        $"""DELETE FROM "EvaluationRuns" WHERE "ProjectId" = $project AND "TraceId" IN {Ids}""",
        $"""
        DELETE FROM "AnnotationItems"
        WHERE "QueueId" IN (SELECT "Id" FROM "AnnotationQueues" WHERE "ProjectId" = $project) AND "TraceId" IN {Ids}
        """,
        $"""DELETE FROM "Traces" WHERE "ProjectId" = $project AND "TraceId" IN {Ids}""",
    ];

    /// <summary>Rollup rows that count nothing any more, left by purged traces; they would keep user ids.</summary>
    private const string DeleteEmptyRollups = """
        DELETE FROM "MetricRollups" WHERE "ProjectId" = $project AND "Requests" = 0 AND "ModelCalls" = 0;
        DELETE FROM "ActorRollups" WHERE "ProjectId" = $project AND "Requests" = 0;
        DELETE FROM "ActorSliceRollups" WHERE "ProjectId" = $project AND "Requests" = 0;
        """;

    private RetentionOptions Settings => options.Retention;

    /// <summary>
    /// The pause after a batch: at least as long as the batch held the write lock, so that on a slow disk or a busy
    /// machine the purge takes at most half of the writer's time instead of nearly all of it.
    /// </summary>
    internal TimeSpan Pause(TimeSpan batchTook)
    {
        var least = TimeSpan.FromMilliseconds(Settings.PauseMs);
        return batchTook > least ? batchTook : least;
    }

    /// <summary>One pass over every live project that has a retention.</summary>
    public async Task<IReadOnlyList<RetentionReport>> PurgeAllAsync(CancellationToken cancellationToken)
    {
        List<(string Id, int Days)> projects;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var rows = await db.Projects.AsNoTracking()
                .Where(p => p.DeletedAt == null && p.RetentionDays != null)
                .Select(p => new { p.Id, p.RetentionDays })
                .ToListAsync(cancellationToken);
            projects = [.. rows.Select(p => (p.Id, p.RetentionDays!.Value))];
        }

        var now = timeProvider.GetUtcNow();
        var reports = new List<RetentionReport>();
        foreach (var (id, days) in projects)
        {
            reports.Add(await PurgeAsync(id, now.AddDays(-days), cancellationToken));
        }

        return reports;
    }

    /// <summary>Purges the project's traces that started before <paramref name="cutoff"/>.</summary>
    public async Task<RetentionReport> PurgeAsync(
        string projectId,
        DateTimeOffset cutoff,
        CancellationToken cancellationToken)
    {
        var cutoffNanos = (cutoff.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        using var rollups = new RollupMaintainer(connection);
        using var scoreAggregates = new ScoreAggregateMaintainer(connection);
        var batch = Math.Max(1, Settings.BatchTraces);
        long traces = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = timeProvider.GetTimestamp();
            var removed = PurgeBatch(connection, rollups, scoreAggregates, projectId, cutoffNanos, batch);
            traces += removed;
            if (removed < batch)
            {
                break;
            }

            await Task.Delay(Pause(timeProvider.GetElapsedTime(started)), timeProvider, cancellationToken);
        }

        long unlinked = 0;
        while (true)
        {
            var removed = await db.Feedback
                .Where(f => f.ProjectId == projectId && f.TraceId == null && f.CreatedAt < cutoff)
                .OrderBy(f => f.Id)
                .Take(Settings.BatchRows)
                .ExecuteDeleteAsync(cancellationToken);
            unlinked += removed;
            if (removed < Settings.BatchRows)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Settings.PauseMs), timeProvider, cancellationToken);
        }

        if (traces > 0)
        {
            using var transaction = connection.BeginTransaction();
            using var command = Command(connection, transaction, DeleteEmptyRollups, projectId);
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        return new RetentionReport(projectId, cutoff, traces, unlinked);
    }

    private static int PurgeBatch(
        SqliteConnection connection,
        RollupMaintainer rollups,
        ScoreAggregateMaintainer scoreAggregates,
        string projectId,
        long cutoffNanos,
        int batch)
    {
        using var transaction = connection.BeginTransaction();
        var traceIds = new List<string>();
        using (var select = Command(
            connection,
            transaction,
            """
            SELECT "TraceId" FROM "Traces"
            WHERE "ProjectId" = $project AND "StartTimeUnixNano" < $cutoff
            ORDER BY "StartTimeUnixNano" LIMIT $batch
            """,
            projectId))
        {
            select.Parameters.AddWithValue("$cutoff", cutoffNanos);
            select.Parameters.AddWithValue("$batch", batch);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                traceIds.Add(reader.GetString(0));
            }
        }

        if (traceIds.Count == 0)
        {
            return 0;
        }

        // Their rollup shares are taken back from what each trace last contributed, kept beside the rollups.
        rollups.Apply(transaction, traceIds.Select(id => (projectId, id, (TraceContribution?)null)));

        var ids = System.Text.Json.JsonSerializer.Serialize(traceIds);
        foreach (var sql in _deleteByTrace)
        {
            using var delete = Command(connection, transaction, sql, projectId);
            delete.Parameters.AddWithValue("$ids", ids);
            delete.ExecuteNonQuery();
        }

        // Deleting scores and traces listed them as due; recomputing now removes their summaries and rollup shares.
        scoreAggregates.ApplyListed(transaction, traceIds.Select(id => (projectId, id)));
        transaction.Commit();
        return traceIds.Count;
    }

    private static SqliteCommand Command(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        string projectId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$project", projectId);
        return command;
    }
}
