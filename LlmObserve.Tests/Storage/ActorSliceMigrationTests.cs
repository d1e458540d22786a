using LlmObserve.Core.Metrics;
using LlmObserve.Tests.Ingestion.Writer;
using LlmObserve.Tests.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Storage;

/// <summary>
/// Migration <c>ActorSliceRollups</c> fills the slices of a store's existing traces from the contributions the
/// rollups hold, so they match what the writer would have kept and later corrections take back exactly that.
/// </summary>
public sealed class ActorSliceMigrationTests
{
    private const string PreviousMigration = "20261204235045_RollupLatencyExtremes";

    [Fact]
    public async Task Migrate_StoreWithTraces_SlicesAsTheWriterKeepsThemAndCorrectionsStayExact()
    {
        await using var store = new WriterTestStore();
        var writer = store.StartWriter();
        var traceIds = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var trace = TraceId(900 + i);
            var start = (i * 9 * 3600) + 30;
            var span = RollupMaintainerTests.Generation(
                trace, 1, null, i % 2 == 0 ? "gpt-4o" : "claude-sonnet-4", start, start + 2, 0.001 * (i + 1));
            span.UserId = "user-" + (i % 3);
            span.SessionId = "session-" + (i / 2);
            span.Environment = i % 3 == 0 ? "prod" : "staging";
            await writer.WriteAsync(Batch(span), default);
            traceIds.Add(trace);
        }

        RollupReads.Apply(store, [.. traceIds]);
        var kept = await SlicesAsync(store);

        // As before the migration: no slices, and contributions without the traces' model lists.
        await using (var db = store.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE "TraceRollupStates" SET "ContributionJson" = json_remove("ContributionJson", '$.traceModels')
                """);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(PreviousMigration);
            await migrator.MigrateAsync();
        }

        var migrated = await SlicesAsync(store);
        RollupReads.Apply(store, [.. traceIds]);
        var reapplied = await SlicesAsync(store);

        Assert.NotEmpty(kept);
        Assert.Contains(kept, s => s.Item2 == MetricRollup.AllModels && s.Item3 == "prod");
        Assert.Equal(kept, migrated);
        Assert.Equal(kept, reapplied);
    }

    private static async Task<List<(string, string, string, long, string, long, long, long, long)>> SlicesAsync(
        WriterTestStore store)
    {
        await using var db = store.CreateDbContext();
        var rows = await db.ActorSliceRollups.AsNoTracking().Where(r => r.Requests != 0).ToListAsync();
        return
        [
            .. rows
                .Select(r => (r.Kind, r.Model, r.Environment, r.BucketStart, r.Key, r.Requests, r.Errors,
                    r.TotalTokens, r.CostNanoUsd))
                .Order(),
        ];
    }
}
