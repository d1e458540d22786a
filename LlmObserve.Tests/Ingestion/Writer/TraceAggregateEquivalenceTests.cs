using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

/// <summary>
/// The writer aggregates a trace in C# since the aggregate left SQL for speed. The SQL it replaced is kept here as
/// the oracle: for many random traces, sent in random batches and orders, every derived column must equal what that
/// SQL derives from the same stored spans. Left out on purpose, where the two differ by design: tags that are numbers
/// or booleans (no ingestion path makes them; the SQL kept them, the writer drops them) and times before 1970, which
/// the SQL's zero-padded text keys ordered wrongly. The rollup contribution the writer derives in memory is held to
/// <see cref="RollupMaintainer.Read"/>'s SQL the same way.
/// </summary>
public sealed class TraceAggregateEquivalenceTests : IAsyncLifetime
{
    /// <summary>
    /// The aggregate as SQL computed it up to commit f596eee (WriterSql.UpsertTrace), no upsert; since then with the
    /// rule that a span whose descendants report usage or cost is left out of the sums (CONVENTIONS.md P12).
    /// </summary>
    private const string PreviousSqlAggregate = """
        WITH RECURSIVE
        root AS (
            SELECT "Id" AS row_id FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace AND "ParentSpanId" IS NULL
            ORDER BY "StartTimeUnixNano", "Id" LIMIT 1),
        o AS MATERIALIZED (
            SELECT "Name" AS name, "Type" IN ('generation', 'embedding') AS model_call,
                "StartTimeUnixNano" AS st, "EndTimeUnixNano" AS en, "Status" AS status, "Model" AS model,
                "InputTokens" AS input_tokens, "OutputTokens" AS output_tokens,
                "CacheReadTokens" AS cached_tokens, "ReasoningTokens" AS reasoning_tokens,
                COALESCE("TotalTokens", COALESCE("InputTokens", 0) + COALESCE("OutputTokens", 0)) AS total_tokens,
                ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL) AS has_usage,
                "Cost" AS cost, "SessionId" AS session_id, "UserId" AS user_id, "Environment" AS environment,
                "Release" AS release, "Version" AS version, "TagsJson" AS tags, "MetadataJson" AS metadata,
                "TraceName" AS trace_name, "TraceInputText" AS trace_input, "TraceOutputText" AS trace_output,
                "InputText" IS NOT NULL AS has_input, "OutputText" IS NOT NULL AS has_output,
                "SpanId" AS span_id, "Id" IS (SELECT row_id FROM root) AS is_root,
                printf('%d%019d%019d', "Id" IS NOT (SELECT row_id FROM root), "StartTimeUnixNano", "Id") AS pick,
                printf(
                    '%d%019d%019d',
                    "Id" IS NOT (SELECT row_id FROM root),
                    9000000000000000000 - "EndTimeUnixNano",
                    "Id") AS pick_late
            FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace),
        a AS (
            SELECT min(st) AS st, max(en) AS en, count(*) AS span_count, sum(status = 'error') AS errors,
                sum(status = 'ok') AS oks, sum(is_root) AS roots,
                substr(min(CASE WHEN trace_name IS NOT NULL THEN pick || trace_name END), 40) AS trace_name,
                substr(min(pick || name), 40) AS name,
                substr(min(CASE WHEN session_id IS NOT NULL THEN pick || session_id END), 40) AS session_id,
                substr(min(CASE WHEN user_id IS NOT NULL THEN pick || user_id END), 40) AS user_id,
                substr(min(CASE WHEN environment IS NOT NULL THEN pick || environment END), 40) AS environment,
                substr(min(CASE WHEN release IS NOT NULL THEN pick || release END), 40) AS release,
                substr(min(CASE WHEN version IS NOT NULL THEN pick || version END), 40) AS version,
                substr(min(CASE WHEN metadata IS NOT NULL THEN pick || metadata END), 40) AS metadata,
                substr(min(CASE WHEN trace_input IS NOT NULL THEN pick || trace_input END), 40) AS trace_input,
                CAST(substr(min(CASE WHEN has_input THEN pick END), 21) AS INTEGER) AS input_row,
                substr(min(CASE WHEN trace_output IS NOT NULL THEN pick_late || trace_output END), 40) AS trace_output,
                CAST(substr(min(CASE WHEN has_output THEN pick_late END), 21) AS INTEGER) AS output_row,
                EXISTS (SELECT 1 FROM o WHERE model_call AND has_usage) AS model_usage
            FROM o),
        anc(id) AS (
            SELECT "ParentSpanId" FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace AND "ParentSpanId" IS NOT NULL
                AND ("Type" IN ('generation', 'embedding') OR NOT (SELECT model_usage FROM a))
                AND ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL
                    OR "Cost" IS NOT NULL)
            UNION
            SELECT s."ParentSpanId" FROM anc
            JOIN "Spans" s ON s."ProjectId" = $project AND s."TraceId" = $trace AND s."SpanId" = anc.id
            WHERE s."ParentSpanId" IS NOT NULL),
        u AS (
            SELECT sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens,
                sum(total_tokens) AS total_tokens, sum(cost) AS cost
            FROM o
            WHERE (model_call OR NOT (SELECT model_usage FROM a))
                AND NOT (span_id IN (SELECT id FROM anc) AND (has_usage OR cost IS NOT NULL)))
        SELECT COALESCE(a.trace_name, a.name), a.session_id, a.user_id, a.environment, a.release,
            a.version,
            (SELECT CASE WHEN count(*) > 0 THEN json_group_array(tag ORDER BY tag) END
                FROM (SELECT DISTINCT t.value AS tag
                    FROM o, json_each(CASE WHEN json_valid(o.tags) THEN o.tags END) AS t
                    WHERE t.type NOT IN ('object', 'array', 'null'))),
            a.metadata, a.st, a.en, (a.en - a.st) / 1e6,
            CASE WHEN a.errors > 0 THEN 'error' WHEN a.oks > 0 THEN 'ok' ELSE 'unset' END,
            COALESCE(a.trace_input, (SELECT "InputText" FROM "Spans" WHERE "Id" = a.input_row)),
            COALESCE(a.trace_output, (SELECT "OutputText" FROM "Spans" WHERE "Id" = a.output_row)),
            (SELECT group_concat(model, ',' ORDER BY first_st, model)
                FROM (SELECT model, min(st) AS first_st FROM o WHERE model IS NOT NULL GROUP BY model)),
            COALESCE(u.input_tokens, 0), COALESCE(u.output_tokens, 0), COALESCE(u.cached_tokens, 0),
            COALESCE(u.reasoning_tokens, 0), COALESCE(u.total_tokens, 0), u.cost,
            a.span_count, a.errors, a.roots = 0
        FROM a, u
        WHERE a.span_count > 0
        """;

    private static readonly string?[] Words =
    [
        null, null, "", "alpha", "beta", "Beta", "z", "Ünïcode", "emoji 😀", "\uE000 private", "quote\"",
        "back\\slash", "ctl\u0001", "tab\t", "line\nfeed", "café",
    ];

    private static readonly string?[] TagValues =
    [
        null, null, """["rag","beta"]""", """["beta","alpha","beta"]""", """["emoji 😀","\uE000 private"]""",
        """["quote\"","back\\slash","ctl\u0001","tab\t",""]""", "\"single\"", """{"k":"from object","n":null}""",
        "not json", """["cut sh""", "[]", """[null,"after null"]""", """["x😀","x\uE000","xa"]""",
    ];

    // Code point order and UTF-16 order disagree between the last two: SQLite sorts the emoji last.
    private static readonly string?[] Models = [null, "gpt-4o", "claude", "m😀", "m\uE000"];

    private readonly WriterTestStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Aggregate_RandomTracesInRandomBatches_EqualsThePreviousSqlAggregate(int seed)
    {
        var random = new Random(seed);
        var writer = _store.StartWriter();
        var traces = Enumerable.Range(1, 60).Select(n => TraceId((seed * 1000) + n)).ToList();
        var spans = traces.SelectMany(t => RandomSpans(random, t)).OrderBy(_ => random.Next()).ToList();

        for (var sent = 0; sent < spans.Count;)
        {
            var size = random.Next(1, 12);
            var batch = spans.Skip(sent).Take(size).ToList();
            if (random.Next(5) == 0)
            {
                batch.Add(spans[random.Next(sent + batch.Count)]);
            }

            await writer.WriteAsync(IngestBatch.OfSpans(WriterTestStore.Project, batch), default);
            sent += size;
        }

        await using var connection = new SqliteConnection(_store.ConnectionString);
        await connection.OpenAsync();
        using var rollups = new RollupMaintainer(connection);
        foreach (var trace in traces)
        {
            Assert.Equal(await ExpectedAsync(connection, trace), await StoredAsync(connection, trace));

            // What the trace adds to the rollups, derived in memory by the writer, equals what SQL reads back.
            var expected = rollups.Read(null, WriterTestStore.Project, trace);
            Assert.NotNull(expected);
            Assert.Equal(expected.ToJson(), await StoredContributionAsync(connection, trace));
        }
    }

    private static List<SpanEntity> RandomSpans(Random random, string traceId)
    {
        var count = random.Next(1, 8);
        var spans = new List<SpanEntity>();
        for (var n = 1; n <= count; n++)
        {
            var start = random.Next(0, 6);
            var span = Span(
                traceId,
                n,
                parent: random.Next(4) == 0 ? null : random.Next(1, count + 2),
                name: Pick(random, Words) ?? "span",
                type: random.Next(3) switch { 0 => SpanType.Generation, 1 => SpanType.Embedding, _ => SpanType.Tool },
                startOffset: start,
                endOffset: start + random.Next(0, 6),
                status: random.Next(3) switch { 0 => SpanStatus.Ok, 1 => SpanStatus.Error, _ => SpanStatus.Unset });
            span.Model = Pick(random, Models);
            span.InputTokens = RandomTokens(random);
            span.OutputTokens = RandomTokens(random);
            span.CacheReadTokens = RandomTokens(random);
            span.ReasoningTokens = RandomTokens(random);
            span.TotalTokens = random.Next(4) == 0 ? RandomTokens(random) : null;
            span.Cost = random.Next(3) == 0 ? null : random.Next(1, 1000) * 0.000123;
            span.UsageEstimated = random.Next(4) == 0;
            span.SessionId = Pick(random, Words);
            span.UserId = Pick(random, Words);
            span.Environment = Pick(random, Words);
            span.Release = Pick(random, Words);
            span.Version = Pick(random, Words);
            span.TagsJson = Pick(random, TagValues);
            span.MetadataJson = random.Next(3) == 0 ? $$"""{"n":{{n}}}""" : null;
            span.TraceName = random.Next(5) == 0 ? Pick(random, Words) : null;
            span.TraceInputText = random.Next(5) == 0 ? Pick(random, Words) : null;
            span.TraceOutputText = random.Next(5) == 0 ? Pick(random, Words) : null;
            span.InputText = Pick(random, Words);
            span.OutputText = Pick(random, Words);
            spans.Add(span);
        }

        return spans;
    }

    private static long? RandomTokens(Random random) => random.Next(3) == 0 ? null : random.Next(0, 5000);

    private static string? Pick(Random random, string?[] values) => values[random.Next(values.Length)];

    private static async Task<List<object?>> ExpectedAsync(SqliteConnection connection, string traceId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = PreviousSqlAggregate;
        command.Parameters.AddWithValue("$project", WriterTestStore.Project);
        command.Parameters.AddWithValue("$trace", traceId);
        return await SingleRowAsync(command);
    }

    private static async Task<List<object?>> StoredAsync(SqliteConnection connection, string traceId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "Name", "SessionId", "UserId", "Environment", "Release", "Version", "TagsJson", "MetadataJson",
                "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status", "InputText", "OutputText", "Models",
                "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost",
                "SpanCount", "ErrorCount", "RootMissing"
            FROM "Traces" WHERE "ProjectId" = $project AND "TraceId" = $trace
            """;
        command.Parameters.AddWithValue("$project", WriterTestStore.Project);
        command.Parameters.AddWithValue("$trace", traceId);
        return await SingleRowAsync(command);
    }

    private static async Task<string?> StoredContributionAsync(SqliteConnection connection, string traceId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "ContributionJson" FROM "TraceRollupStates" WHERE "ProjectId" = $project AND "TraceId" = $trace
            """;
        command.Parameters.AddWithValue("$project", WriterTestStore.Project);
        command.Parameters.AddWithValue("$trace", traceId);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<List<object?>> SingleRowAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var row = Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))
            .ToList();
        Assert.False(await reader.ReadAsync());
        return row;
    }
}
