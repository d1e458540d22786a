using LlmObserve.Core.Alerts;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Costs;
using LlmObserve.Core.Datasets;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Experiments;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// Fills a project's configuration and per-trace tables with one row or more each, straight through EF Core, so
/// purges are tested against every kind of row a project can own, not only what ingestion writes.
/// </summary>
internal static class ProjectRows
{
    /// <summary>Adds rows to every project table that ingestion does not fill, hung on the given traces.</summary>
    public static async Task SeedAsync(
        IDbContextFactory<LlmObserveDbContext> dbFactory,
        string projectId,
        IReadOnlyList<string> traceIds)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tag = projectId[^6..] + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;

        var evaluator = new Evaluator { Id = "ev-" + tag, ProjectId = projectId, Name = "ev " + tag, Kind = "offline",
            Target = "trace" };
        var endpoint = new JudgeEndpoint { ProjectId = projectId, Name = "judge " + tag, Provider = "openai",
            BaseUrl = "http://127.0.0.1:9/v1", Model = "m" };
        var monitor = new DriftMonitor { Id = "dm-" + tag, ProjectId = projectId, Name = "drift " + tag,
            FeaturesJson = "[]", ReferenceKind = "rolling" };
        var rule = new AlertRule { ProjectId = projectId, Name = "rule " + tag, Metric = "error_rate",
            Direction = "above" };
        var channel = new AlertChannel { ProjectId = projectId, Name = "chan " + tag, Kind = "webhook" };
        var queue = new AnnotationQueue { Id = "aq-" + tag, ProjectId = projectId, Name = "queue " + tag };
        var dataset = new Dataset { Id = "ds-" + tag, ProjectId = projectId, Name = "set " + tag, Version = 1 };
        var experiment = new Experiment { Id = "ex-" + tag, ProjectId = projectId, Name = "exp " + tag,
            DatasetId = dataset.Id, Mode = "replay", EvaluatorsJson = "[]", Status = "done" };
        db.AddRange(evaluator, endpoint, monitor, rule, channel, queue, dataset, experiment);
        db.Add(new ModelPrice { ProjectId = projectId, MatchKind = "exact", Match = "model-" + tag });
        if (!await db.EvaluatorSeeds.AnyAsync(s => s.ProjectId == projectId))
        {
            db.Add(new EvaluatorSeed { ProjectId = projectId });
        }

        if (!await db.TraceFeatureCursors.AnyAsync(c => c.ProjectId == projectId))
        {
            db.Add(new TraceFeatureCursor { ProjectId = projectId });
        }

        db.Add(new SessionInferenceQueueEntry { ProjectId = projectId, SessionId = "session-" + tag });
        await db.SaveChangesAsync();

        db.Add(new EvaluatorVersion { EvaluatorId = evaluator.Id, Version = 1, Target = "trace" });
        db.Add(new EvaluationBackfill { EvaluatorId = evaluator.Id });
        db.Add(new JudgeSpendDay { EvaluatorId = evaluator.Id, Day = "2026-01-01" });
        db.Add(new ScoreConfig { QueueId = queue.Id, Name = "correct", Kind = "boolean" });
        var alert = new AlertEvent { ProjectId = projectId, RuleId = rule.Id, RuleName = rule.Name,
            Metric = rule.Metric, Level = "critical", Status = "firing", Direction = "above", Link = "/alerts" };
        var result = new DriftResult { MonitorId = monitor.Id, ProjectId = projectId, Trigger = "schedule" };
        var item = new DatasetItem { DatasetId = dataset.Id, ItemId = "di-" + tag, Input = "copied input",
            SourceTraceId = traceIds[0], FromVersion = 1 };
        db.AddRange(alert, result, item);
        foreach (var traceId in traceIds)
        {
            db.Add(new EvaluationRun { ProjectId = projectId, EvaluatorId = evaluator.Id, TraceId = traceId,
                Status = "done" });
            db.Add(new AnnotationItem { QueueId = queue.Id, TraceId = traceId });
        }

        await db.SaveChangesAsync();

        db.Add(new AlertDelivery { EventId = alert.Id, ChannelId = channel.Id });
        db.Add(new DriftFeatureResult { ResultId = result.Id, MonitorId = monitor.Id, Feature = "latency",
            Kind = "numeric", TestName = "ks", TestDisplayName = "KS", ScoreKind = "p", Status = "ok" });
        db.Add(new ExperimentResult { ExperimentId = experiment.Id, ItemId = item.ItemId });
        var firstItem = await db.AnnotationItems.FirstAsync(i => i.QueueId == queue.Id);
        db.Add(new AnnotationLease { ItemId = firstItem.Id, Reviewer = "r", ReviewerName = "R", State = "leased" });
        await db.SaveChangesAsync();

        // Features as the feature job would write them, one per trace.
        var traces = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId && traceIds.Contains(t.TraceId))
            .Select(t => new { t.Id, t.TraceId, t.StartTimeUnixNano })
            .ToListAsync();
        db.TraceFeatures.AddRange(traces.Select(t => new TraceFeatureRow
        {
            ProjectId = projectId,
            TraceId = t.TraceId,
            TraceRowId = t.Id,
            StartTimeUnixNano = t.StartTimeUnixNano,
            FeatureVersion = 1,
            ComputedAt = now,
        }));
        await db.SaveChangesAsync();
    }

    /// <summary>Every table's row count, read from the database file with a connection of the test's own.</summary>
    public static Dictionary<string, long> CountAll(string databasePath)
    {
        using var connection = Open(databasePath);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables(connection))
        {
            counts[table] = Scalar(connection, $"SELECT count(*) FROM \"{table}\"");
        }

        return counts;
    }

    /// <summary>Tables of the file, without SQLite's own and the full-text index's shadow tables.</summary>
    public static List<string> Tables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'TracesSearch_%'
            ORDER BY name
            """;
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    public static List<string> Columns(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    /// <summary>The tables a table's foreign keys point at.</summary>
    public static List<string> Parents(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{table}')";
        using var reader = command.ExecuteReader();
        var parents = new List<string>();
        while (reader.Read())
        {
            parents.Add(reader.GetString(0));
        }

        return parents;
    }

    public static long Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(command.ExecuteScalar(), null);
    }

    public static SqliteConnection Open(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
