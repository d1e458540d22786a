using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// The retention purge against a real SQLite file: it removes exactly the traces older than the project's retention
/// and what hangs on them, keeps the derived tables exact, leaves dataset items alone, and loses nothing that
/// ingestion acknowledged while it ran.
/// </summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task RetentionJob_PurgesExactlyTheOldTraces_AndWhatHangsOnThem()
    {
        await using var app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Retention:IntervalSeconds"] = "1",
        });
        using var client = app.CreateClient();
        var projectId = (await app.GetRequiredService<ProjectService>().ListAsync(CancellationToken.None))[0].Id;
        var now = DateTimeOffset.UtcNow;
        var old = ProjectTestClient.Build(Enumerable.Range(0, 6).Select(i => now.AddDays(-40).AddHours(i)), "old");
        var edge = ProjectTestClient.Build([now.AddDays(-29)], "edge");
        var recent = ProjectTestClient.Build(Enumerable.Range(0, 3).Select(i => now.AddDays(-2).AddHours(i)), "new");
        await ProjectTestClient.SendOkAsync(client, [.. old, .. edge, .. recent]);
        string[] oldIds = [.. old.Select(t => t.TraceId)];
        string[] keptIds = [.. edge.Concat(recent).Select(t => t.TraceId)];
        await ProjectRows.SeedAsync(
            app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>(),
            projectId,
            [.. oldIds, .. keptIds]);
        var path = ProjectTestClient.DatabasePath(app);
        var keptBefore = PerTraceCounts(path, projectId, keptIds);
        var totalBefore = ProjectRows.CountAll(path);

        using var patched = await client.PatchAsJsonAsync(
            new Uri("api/project", UriKind.Relative),
            new { retentionDays = 30 });
        await Poll.UntilAsync(
            () => Task.FromResult(PerTraceCounts(path, projectId, oldIds)["Traces"] == 0),
            "the retention job to purge the old traces",
            TimeSpan.FromSeconds(60));

        var oldAfter = PerTraceCounts(path, projectId, oldIds);
        var keptAfter = PerTraceCounts(path, projectId, keptIds);
        var totalAfter = ProjectRows.CountAll(path);
        using var db = ProjectRows.Open(path);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.All(oldAfter, pair => Assert.True(pair.Value == 0, $"{pair.Value} rows of old traces in {pair.Key}"));
        Assert.Equal(keptBefore, keptAfter);
        Assert.Equal(6 * 2, totalBefore["Spans"] - totalAfter["Spans"]);
        Assert.Equal(6, totalBefore["Scores"] - totalAfter["Scores"]);
        Assert.Equal(6, totalBefore["Feedback"] - totalAfter["Feedback"]);
        Assert.Equal(totalBefore["DatasetItems"], totalAfter["DatasetItems"]);
        Assert.Equal(
            "copied input",
            Text(db, """SELECT "Input" FROM "DatasetItems" WHERE "SourceTraceId" = $id""", oldIds[0]));
        Assert.Equal(totalBefore["Evaluators"], totalAfter["Evaluators"]);
        Assert.Equal(totalBefore["AnnotationQueues"], totalAfter["AnnotationQueues"]);

        // The rollups count the kept traces only, at every resolution, and forget the purged users.
        var requests = ProjectRows.Scalar(
            db,
            """
            SELECT count(*) FROM (SELECT sum("Requests") AS n FROM "MetricRollups"
                WHERE "ProjectId" = $p AND "Model" = '*' GROUP BY "Resolution") WHERE n <> $kept
            """,
            ("$p", projectId),
            ("$kept", keptIds.Length));
        var resolutions = ProjectRows.Scalar(
            db,
            """SELECT count(DISTINCT "Resolution") FROM "MetricRollups" WHERE "ProjectId" = $p""",
            ("$p", projectId));
        var oldUsers = ProjectRows.Scalar(
            db,
            """SELECT count(*) FROM "ActorRollups" WHERE "ProjectId" = $p AND "Key" LIKE 'old-%'""",
            ("$p", projectId));
        var scoreCount = ProjectRows.Scalar(
            db,
            """
            SELECT sum("Count") FROM "ScoreRollups"
            WHERE "ProjectId" = $p AND "Model" = '*' AND "Resolution" = 60
            """,
            ("$p", projectId));
        var orphanFacets = ProjectRows.Scalar(
            db,
            """
            SELECT count(*) FROM "TraceFacets"
            WHERE "ProjectId" = $p AND "TraceRowId" NOT IN (SELECT "Id" FROM "Traces")
            """,
            ("$p", projectId));
        var orphanSearch = ProjectRows.Scalar(
            db,
            """SELECT count(*) FROM "TracesSearch" WHERE rowid NOT IN (SELECT "Id" FROM "Traces")""");
        Assert.Equal(0, orphanFacets);
        Assert.Equal(0, orphanSearch);
        Assert.True(resolutions > 0);
        Assert.Equal(0, requests);
        Assert.Equal(0, oldUsers);
        Assert.Equal(keptIds.Length, scoreCount);
    }

    [Fact]
    public async Task RetentionPurge_WhileIngesting_LosesNothingAcknowledged()
    {
        await using var app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Retention:BatchTraces"] = "25",
            ["LlmObserve:Retention:PauseMs"] = "0",
        });
        using var client = app.CreateClient();
        var projectId = (await app.GetRequiredService<ProjectService>().ListAsync(CancellationToken.None))[0].Id;
        var now = DateTimeOffset.UtcNow;
        const int oldCount = 2000;
        for (var sent = 0; sent < oldCount; sent += 100)
        {
            await ProjectTestClient.SendOkAsync(
                client,
                ProjectTestClient.Build(Enumerable.Range(sent, 100).Select(i => now.AddDays(-90).AddSeconds(i)), "o"));
        }

        var acknowledged = new ConcurrentBag<string>();
        var duringPurge = 0;
        var purge = Task.Run(() => app.GetRequiredService<RetentionPurger>()
            .PurgeAsync(projectId, now.AddDays(-30), CancellationToken.None));
        var senders = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            var rounds = 0;
            while (!purge.IsCompleted || rounds < 5)
            {
                var batch = ProjectTestClient.Build(
                    Enumerable.Range(0, 10).Select(_ => DateTimeOffset.UtcNow),
                    $"w{worker}r{rounds}");
                using var response = await ProjectTestClient.SendAsync(client, batch);
                if (response.IsSuccessStatusCode)
                {
                    if (!purge.IsCompleted)
                    {
                        Interlocked.Increment(ref duringPurge);
                    }

                    foreach (var trace in batch)
                    {
                        acknowledged.Add(trace.TraceId);
                    }
                }
                else
                {
                    Assert.True(
                        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable,
                        $"ingestion answered {(int)response.StatusCode} during the purge");
                    await Task.Delay(100);
                }

                rounds++;
            }
        })).ToArray();
        var report = await purge;
        await Task.WhenAll(senders);

        var path = ProjectTestClient.DatabasePath(app);
        var stored = PerTraceCounts(path, projectId, [.. acknowledged]);
        using var db = ProjectRows.Open(path);
        var oldLeft = ProjectRows.Scalar(
            db,
            """SELECT count(*) FROM "Traces" WHERE "ProjectId" = $p AND "StartTimeUnixNano" < $cut""",
            ("$p", projectId),
            ("$cut", (now.AddDays(-30).ToUnixTimeMilliseconds()) * 1_000_000));
        Assert.Equal(oldCount, report.Traces);
        Assert.True(duringPurge > 0, "no ingestion request was acknowledged while the purge ran");
        Assert.Equal(0, oldLeft);
        Assert.True(acknowledged.Count >= 150, $"only {acknowledged.Count} traces were acknowledged");
        Assert.Equal(acknowledged.Count, stored["Traces"]);
        Assert.Equal(acknowledged.Count * 2, stored["Spans"]);
        Assert.Equal(acknowledged.Count, stored["Scores"]);
        Assert.Equal(acknowledged.Count, stored["Feedback"]);
    }

    /// <summary>Rows per trace-keyed table for the given traces, read from the file.</summary>
    private static Dictionary<string, long> PerTraceCounts(string path, string projectId, IReadOnlyList<string> ids)
    {
        using var db = ProjectRows.Open(path);
        var json = System.Text.Json.JsonSerializer.Serialize(ids);
        const string Ids = "(SELECT value FROM json_each($ids))";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in new[]
        {
            "Traces", "Spans", "Scores", "Feedback", "TraceFeatures", "EvaluationRuns", "TraceScores",
            "TraceRollupStates", "ScoreRollupStates",
        })
        {
            counts[table] = ProjectRows.Scalar(
                db,
                $"""SELECT count(*) FROM "{table}" WHERE "ProjectId" = $p AND "TraceId" IN {Ids}""",
                ("$p", projectId),
                ("$ids", json));
        }

        counts["AnnotationItems"] = ProjectRows.Scalar(
            db,
            $"""SELECT count(*) FROM "AnnotationItems" WHERE "TraceId" IN {Ids}""",
            ("$ids", json));
        return counts;
    }

    private static string? Text(SqliteConnection db, string sql, string id)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }
}
