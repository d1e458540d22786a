using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>What one purge of a deleted project removed, by table.</summary>
public sealed record ProjectPurgeReport(string ProjectId, IReadOnlyDictionary<string, long> RowsByTable)
{
    public long TotalRows => RowsByTable.Values.Sum();
}

/// <summary>
/// Removes every row of a deleted project, table by table in batches of <see cref="RetentionOptions.BatchRows"/>,
/// each batch its own short write transaction with a pause after it, then the project row. Children go before their
/// parents, and the tables that drive jobs (alert rules, drift monitors, evaluators) go first so nothing runs for the
/// project while its traces are being removed.
/// </summary>
/// <remarks>
/// The full-text index (<c>TracesSearch</c>, <c>TracesSearchPending</c>) and the trace features follow their traces
/// through the store's triggers; <see cref="Tables"/> still lists every table that holds a project id, and a test
/// fails when a table with a project id, or hanging on a listed table by a foreign key, is missing from it.
/// </remarks>
public sealed class ProjectPurger(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options,
    TimeProvider timeProvider)
{
    private const string OfProject = "\"ProjectId\" = $project";

    private static readonly PurgeStep[] _steps =
    [
        new("AlertDeliveries", "rowid", "\"EventId\" IN (SELECT \"Id\" FROM \"AlertEvents\" WHERE " + OfProject + ")"),
        new("AlertEvents", "rowid", OfProject),
        new("AlertRules", "rowid", OfProject),
        new("AlertChannels", "rowid", OfProject),
        new(
            "DriftFeatureResults",
            "rowid",
            "\"MonitorId\" IN (SELECT \"Id\" FROM \"DriftMonitors\" WHERE " + OfProject + ")"),
        new("DriftResults", "rowid", OfProject),
        new("DriftMonitors", "rowid", OfProject),
        new("EvaluationRuns", "rowid", OfProject),
        new("EvaluationBackfills", "rowid", OfEvaluators()),
        new("JudgeSpendDays", "rowid", OfEvaluators()),
        new("EvaluatorVersions", "rowid", OfEvaluators()),
        new("Evaluators", "rowid", OfProject),
        new("JudgeEndpoints", "rowid", OfProject),
        new("EvaluatorSeeds", "rowid", OfProject),
        new(
            "ExperimentResults",
            "rowid",
            "\"ExperimentId\" IN (SELECT \"Id\" FROM \"Experiments\" WHERE " + OfProject + ")"),
        new("Experiments", "rowid", OfProject),
        new("DatasetItems", "rowid", "\"DatasetId\" IN (SELECT \"Id\" FROM \"Datasets\" WHERE " + OfProject + ")"),
        new("Datasets", "rowid", OfProject),
        new(
            "AnnotationLeases",
            "rowid",
            "\"ItemId\" IN (SELECT \"Id\" FROM \"AnnotationItems\" WHERE " + OfQueues() + ")"),
        new("AnnotationItems", "rowid", OfQueues()),
        new("ScoreConfigs", "rowid", OfQueues()),
        new("AnnotationQueues", "rowid", OfProject),
        new("Scores", "rowid", OfProject),
        new("Feedback", "rowid", OfProject),
        new("TraceScores", "rowid", OfProject),
        new("ScoreRollups", "rowid", OfProject),
        new("ScoreRollupStates", "rowid", OfProject),
        new("Spans", "rowid", OfProject),
        new("Traces", "rowid", OfProject),
        new("TraceFacets", "\"ProjectId\", \"Kind\", \"Value\", \"TraceRowId\"", OfProject),
        new("TraceFeatures", "rowid", OfProject),
        new("TraceFeatureCursors", "rowid", OfProject),
        new("MetricRollups", "\"ProjectId\", \"Resolution\", \"BucketStart\", \"Environment\", \"Model\"", OfProject),
        new("ActorRollups", "\"ProjectId\", \"Kind\", \"BucketStart\", \"Key\"", OfProject),
        new(
            "ActorSliceRollups",
            "\"ProjectId\", \"Kind\", \"Model\", \"Environment\", \"BucketStart\", \"Key\"",
            OfProject),
        new("TraceRollupStates", "\"ProjectId\", \"TraceId\"", OfProject),
        new("ScoreRollupPending", "\"ProjectId\", \"TraceId\"", OfProject),
        new("SessionInferenceQueue", "rowid", OfProject),
        new("ModelPrices", "rowid", OfProject),
        new("ProjectMemberships", "rowid", OfProject),
        new("ApiKeys", "rowid", OfProject),
    ];

    /// <summary>
    /// Tables with a project id that a purge leaves alone: the audit log outlives a deleted project, so who deleted
    /// it, and what was done before, can still be read.
    /// </summary>
    public static IReadOnlyList<string> Kept { get; } = ["AuditEvents"];

    /// <summary>The tables purged, in order; the project row (<c>Projects</c>) goes last.</summary>
    public static IReadOnlyList<string> Tables { get; } = [.. _steps.Select(s => s.Table), "Projects"];

    private RetentionOptions Settings => options.Retention;

    /// <summary>
    /// The deleted projects whose grace period is over, so whose purge may start; see
    /// <see cref="RetentionOptions.DeletedProjectGraceSeconds"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> DueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var before = timeProvider.GetUtcNow().AddSeconds(-Settings.DeletedProjectGraceSeconds);
        var deleted = await db.Projects.AsNoTracking()
            .Where(p => p.DeletedAt != null)
            .Select(p => new { p.Id, p.DeletedAt })
            .ToListAsync(cancellationToken);
        return [.. deleted.Where(p => p.DeletedAt <= before).Select(p => p.Id)];
    }

    /// <summary>
    /// Purges a project that was marked deleted; refuses a live one. Passes over the tables until one finds nothing
    /// left (a request that passed the key check just before the deletion may still have written), then removes the
    /// project row.
    /// </summary>
    /// <exception cref="InvalidOperationException">The project exists and was not deleted.</exception>
    public async Task<ProjectPurgeReport> PurgeAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken);
        if (project is { DeletedAt: null })
        {
            throw new InvalidOperationException($"Project {projectId} is not deleted; only a deleted one is purged.");
        }

        var counts = Tables.ToDictionary(t => t, _ => 0L, StringComparer.Ordinal);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        const int maxPasses = 3;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            long removed = 0;
            foreach (var step in _steps)
            {
                var n = await PurgeTableAsync(connection, step, projectId, cancellationToken);
                counts[step.Table] += n;
                removed += n;
            }

            if (removed == 0)
            {
                break;
            }
        }

        using (var transaction = connection.BeginTransaction())
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM \"Projects\" WHERE \"Id\" = $project AND \"DeletedAt\" IS NOT NULL";
            command.Parameters.AddWithValue("$project", projectId);
            counts["Projects"] = command.ExecuteNonQuery();
            transaction.Commit();
        }

        return new ProjectPurgeReport(projectId, counts);
    }

    private static string OfEvaluators()
        => "\"EvaluatorId\" IN (SELECT \"Id\" FROM \"Evaluators\" WHERE " + OfProject + ")";

    private static string OfQueues()
        => "\"QueueId\" IN (SELECT \"Id\" FROM \"AnnotationQueues\" WHERE " + OfProject + ")";

    private async Task<long> PurgeTableAsync(
        SqliteConnection connection,
        PurgeStep step,
        string projectId,
        CancellationToken cancellationToken)
    {
        var sql = $"""
            DELETE FROM "{step.Table}" WHERE ({step.Key}) IN (
                SELECT {step.Key} FROM "{step.Table}" WHERE {step.Filter} LIMIT $batch)
            """;
        var batch = Math.Max(1, Settings.BatchRows);
        long total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int removed;
            var started = timeProvider.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql;
                command.Parameters.AddWithValue("$project", projectId);
                command.Parameters.AddWithValue("$batch", batch);
                removed = command.ExecuteNonQuery();
                transaction.Commit();
            }

            // SQLite counts the statement's own rows here, not those its triggers removed: a short batch is the last.
            total += removed;
            if (removed < batch)
            {
                return total;
            }

            // As long a pause as the batch took, at least PauseMs: the writer gets half of the time or more.
            var took = timeProvider.GetElapsedTime(started);
            var least = TimeSpan.FromMilliseconds(Settings.PauseMs);
            await Task.Delay(took > least ? took : least, timeProvider, cancellationToken);
        }
    }

    private sealed record PurgeStep(string Table, string Key, string Filter);
}
