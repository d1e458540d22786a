using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Traces;

/// <summary>
/// Model and tag filters answered from <c>TraceFacets</c> (the plan for values few traces carry) must list the very
/// traces the scan of the list columns finds, after traces grew new models and tags in later batches, and after
/// others were deleted.
/// </summary>
public sealed class TraceFacetFilterTests : IAsyncLifetime
{
    private static readonly string[] Models = ["gpt-4o", "claude", "m\"quoted\"", "back\\slash", "ümlaut 😀", "a b"];

    private static readonly string[] Tags = ["vip", "beta", "quote\"", "emoji 😀", "back\\slash", "x,y"];

    private readonly WriterTestStore _store = new();

    public async Task InitializeAsync()
    {
        var random = new Random(7);
        var writer = _store.StartWriter();
        var spans = new List<SpanEntity>();
        for (var trace = 1; trace <= 80; trace++)
        {
            var count = random.Next(1, 5);
            for (var n = 1; n <= count; n++)
            {
                var span = Span(TraceId(trace), n, parent: n == 1 ? null : 1, startOffset: trace);
                span.Model = random.Next(3) == 0 ? null : Models[random.Next(Models.Length)];
                span.TagsJson = random.Next(3) == 0
                    ? null
                    : System.Text.Json.JsonSerializer.Serialize(
                        Tags.Where(_ => random.Next(3) == 0).ToArray());
                spans.Add(span);
            }
        }

        // Random batches: most traces arrive in pieces, so their models and tags change after the first insert.
        spans = [.. spans.OrderBy(_ => random.Next())];
        for (var sent = 0; sent < spans.Count; sent += 7)
        {
            var batch = IngestBatch.OfSpans(WriterTestStore.Project, [.. spans.Skip(sent).Take(7)]);
            await writer.WriteAsync(batch, default);
        }

        await using var db = _store.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(
            """DELETE FROM "Traces" WHERE "TraceId" IN ({0}, {1})""", TraceId(3), TraceId(4));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public static TheoryData<string?, string?> Filters()
    {
        var data = new TheoryData<string?, string?>();
        foreach (var model in Models.Append("absent"))
        {
            data.Add(model, null);
        }

        foreach (var tag in Tags.Append("absent"))
        {
            data.Add(null, tag);
        }

        data.Add("gpt-4o", "vip");
        data.Add("claude", "absent");
        return data;
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task List_FromFacetsOrAlongTheOrder_FindsTheSameTraces(string? model, string? tag)
    {
        var factory = new PooledDbContextFactory<LlmObserveDbContext>(
            new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(_store.ConnectionString).Options);
        var fromFacets = new TraceQueries(factory, rareSearchMatches: int.MaxValue);
        var alongOrder = new TraceQueries(factory, rareSearchMatches: 0);
        var filter = new TraceFilter { Model = model, Tag = tag };

        foreach (var sort in new[] { TraceSort.Default, new TraceSort(TraceSortKey.Latency, Descending: false) })
        {
            var rare = await fromFacets.ListAsync(WriterTestStore.Project, filter, sort, null, 500, default);
            var common = await alongOrder.ListAsync(WriterTestStore.Project, filter, sort, null, 500, default);
            var rareCount = await fromFacets.CountAsync(WriterTestStore.Project, filter, 1000, default);

            Assert.Equal(common.Data.Select(t => t.TraceId), rare.Data.Select(t => t.TraceId));
            Assert.Equal(common.Data.Count, rareCount.Count);
            Assert.Equal(model == "absent" || tag == "absent", rare.Data.Count == 0);
        }
    }

    [Fact]
    public async Task Facets_AfterUpdatesAndDeletes_AreExactlyTheModelsAndTagsOfEachTrace()
    {
        await using var connection = new SqliteConnection(_store.ConnectionString);
        await connection.OpenAsync();
        var expected = new List<string>();
        var actual = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "Id", "Models", "TagsJson" FROM "Traces" ORDER BY "Id" """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetInt64(0);
                var models = reader.IsDBNull(1) ? [] : reader.GetString(1).Split(',');
                var tags = reader.IsDBNull(2) ? [] : System.Text.Json.JsonSerializer.Deserialize<string[]>(
                    reader.GetString(2))!;
                expected.AddRange(models.Select(m => $"{id} model {m}"));
                expected.AddRange(tags.Select(t => $"{id} tag {t}"));
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "TraceRowId", "Kind", "Value" FROM "TraceFacets" """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                actual.Add($"{reader.GetInt64(0)} {reader.GetString(1)} {reader.GetString(2)}");
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Migrate_TracesOfThePreviousSchema_GetTheirFacets()
    {
        await using var store = WriterTestStore.AtMigration("20261204194629_TraceSearchOffTheCommit");
        await using var db = store.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs",
                "Status", "Models", "TagsJson", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens",
                "TotalTokens", "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
            VALUES ({0}, 'a1', 'chat', 1, 2, 0, 'ok', 'gpt-4o, claude', '["vip","x\"y"]', 0, 0, 0, 0, 0, 1, 0, 0, 5),
                ({0}, 'b2', 'chat', 3, 4, 0, 'ok', NULL, 'not json', 0, 0, 0, 0, 0, 1, 0, 0, 6)
            """,
            WriterTestStore.Project);

        await db.Database.MigrateAsync();

        var facets = await db.Database
            .SqlQueryRaw<string>("""SELECT "Kind" || ' ' || "Value" AS "Value" FROM "TraceFacets" ORDER BY 1""")
            .ToListAsync();
        Assert.Equal(["model claude", "model gpt-4o", "tag vip", "tag x\"y"], facets);
    }
}
