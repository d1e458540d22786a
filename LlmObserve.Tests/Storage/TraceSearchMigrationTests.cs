using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Storage;

/// <summary>
/// Migration <c>TraceSearchOffTheCommit</c>: keeps the traces of an older store, numbers them, and lets the writer
/// index them; its triggers must outlive later migrations (a table rebuild by EF would drop them silently).
/// </summary>
public sealed class TraceSearchMigrationTests
{
    private const string PreviousMigration = "20261204182011_ModelPrices";

    [Fact]
    public async Task Migrate_TracesOfThePreviousSchema_KeptNumberedAndIndexed()
    {
        await using var store = WriterTestStore.AtMigration(PreviousMigration);
        await using (var db = store.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "StartTimeUnixNano", "EndTimeUnixNano",
                    "LatencyMs", "Status", "InputText", "OutputText", "InputTokens", "OutputTokens", "CachedTokens",
                    "ReasoningTokens", "TotalTokens", "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
                VALUES ({0}, 'a1', 'chat', 1, 2, 0, 'ok', 'old refund question', 'yes', 1, 2, 0, 0, 3, 1, 0, 0, 5),
                    ({0}, 'b2', 'chat', 3, 4, 0, 'ok', 'old password question', NULL, 0, 0, 0, 0, 0, 1, 0, 0, 6)
                """,
                WriterTestStore.Project);

            await db.Database.MigrateAsync();

            var traces = await db.Traces.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
            Assert.Equal(["a1", "b2"], traces.Select(t => t.TraceId));
            Assert.Equal([1L, 2L], traces.Select(t => t.Id));
            Assert.Equal("old refund question", traces[0].InputText);
            Assert.Equal(3, traces[0].TotalTokens);
            Assert.Equal(2, await Poll.SearchPendingAsync(db));
        }

        store.StartWriter();
        await store.WaitForSearchIndexAsync();

        Assert.Equal(["a1"], await store.SearchAsync("refund"));
        Assert.Equal(["b2", "a1"], await store.SearchAsync("old question"));
    }

    [Fact]
    public async Task Migrate_Latest_SearchTriggersAndContentlessIndexInPlace()
    {
        await using var store = new WriterTestStore();
        await using var db = store.CreateDbContext();

        var triggers = await db.Database
            .SqlQueryRaw<string>("""SELECT name AS "Value" FROM sqlite_schema WHERE type = 'trigger' ORDER BY name""")
            .ToListAsync();
        var search = await db.Database
            .SqlQueryRaw<string>("""SELECT sql AS "Value" FROM sqlite_schema WHERE name = 'TracesSearch'""")
            .SingleAsync();

        Assert.Equal(
            [
                "Scores_Aggregates_AfterDelete", "Scores_Aggregates_AfterInsert", "Scores_Aggregates_AfterUpdate",
                "Traces_Facets_AfterDelete", "Traces_Facets_AfterInsert", "Traces_Facets_AfterUpdate",
                "Traces_Features_AfterDelete", "Traces_ScoreAggregates_AfterDelete",
                "Traces_ScoreAggregates_AfterInsert", "Traces_ScoreAggregates_AfterUpdate",
                "Traces_SearchPending_AfterInsert", "Traces_SearchPending_AfterUpdate", "Traces_Search_AfterDelete",
            ],
            triggers);
        Assert.Contains("content=''", search, StringComparison.Ordinal);
        Assert.Contains("contentless_delete=1", search, StringComparison.Ordinal);
    }
}
