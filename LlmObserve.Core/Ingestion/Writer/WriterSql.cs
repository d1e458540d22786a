namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>The SQL the writer runs. Names are the EF defaults of <c>LlmObserveDbContext</c>.</summary>
internal static class WriterSql
{
    public const string InsertScore = """
        INSERT INTO "Scores" ("ProjectId", "TraceId", "SpanId", "Name", "Value", "Label", "Explanation", "Source",
            "EvaluatorId", "EvaluatorVersion", "CreatedAt")
        VALUES ($project, $trace, $span, $name, $value, $label, $explanation, $source,
            $evaluator, $evaluatorVersion, $createdAt)
        """;

    public const string InsertFeedback = """
        INSERT INTO "Feedback" ("ProjectId", "TraceId", "RequestId", "Kind", "Value", "Comment", "UserId", "CreatedAt")
        VALUES ($project, $trace, $request, $kind, $value, $comment, $user, $createdAt)
        """;

    /// <summary>
    /// Recomputes one trace from all of its stored spans and upserts it, in one statement.
    /// <para>
    /// <c>o</c> copies the narrow columns of the trace's spans once: reading a span row past its large text columns
    /// is the costly part, so large texts are fetched again only for the one span that wins.
    /// </para>
    /// <para>
    /// "The root's value, else the earliest span that has one" is a minimum over a sort key: <c>pick</c> is
    /// <c>0|1</c> (root first), the start time and the row id (ties go to the first stored), both in 19 digits, so
    /// <c>min(pick || value)</c> over the spans that have a value, cut after the 39-character key, is that value.
    /// <c>pick_late</c> does the same with the latest end first, for the output. One pass of the aggregate thus
    /// answers every such rule; a subquery with ORDER BY ... LIMIT 1 per rule was twice as slow.
    /// </para>
    /// </summary>
    public const string UpsertTrace = """
        WITH
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
                "Id" IS (SELECT row_id FROM root) AS is_root,
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
        u AS (
            SELECT sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens,
                sum(total_tokens) AS total_tokens, sum(cost) AS cost
            FROM o
            WHERE model_call OR NOT (SELECT model_usage FROM a))
        INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment", "Release",
            "Version", "TagsJson", "MetadataJson", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status",
            "InputText", "OutputText", "Models", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens",
            "TotalTokens", "Cost", "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
        SELECT $project, $trace, COALESCE(a.trace_name, a.name), a.session_id, a.user_id, a.environment, a.release,
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
            a.span_count, a.errors, a.roots = 0, $now
        FROM a, u
        WHERE a.span_count > 0
        ON CONFLICT ("ProjectId", "TraceId") DO UPDATE SET
            "Name" = excluded."Name", "SessionId" = excluded."SessionId", "UserId" = excluded."UserId",
            "Environment" = excluded."Environment", "Release" = excluded."Release", "Version" = excluded."Version",
            "TagsJson" = excluded."TagsJson", "MetadataJson" = excluded."MetadataJson",
            "StartTimeUnixNano" = excluded."StartTimeUnixNano", "EndTimeUnixNano" = excluded."EndTimeUnixNano",
            "LatencyMs" = excluded."LatencyMs", "Status" = excluded."Status", "InputText" = excluded."InputText",
            "OutputText" = excluded."OutputText", "Models" = excluded."Models",
            "InputTokens" = excluded."InputTokens", "OutputTokens" = excluded."OutputTokens",
            "CachedTokens" = excluded."CachedTokens", "ReasoningTokens" = excluded."ReasoningTokens",
            "TotalTokens" = excluded."TotalTokens", "Cost" = excluded."Cost", "SpanCount" = excluded."SpanCount",
            "ErrorCount" = excluded."ErrorCount", "RootMissing" = excluded."RootMissing",
            "UpdatedAtUnixNano" = excluded."UpdatedAtUnixNano"
        """;

    public const string HasPendingSearch = """SELECT EXISTS (SELECT 1 FROM "TracesSearchPending")""";

    /// <summary>
    /// (Re)indexes the first <c>$limit</c> traces waiting for search. A trace deleted since it was listed is skipped:
    /// its delete trigger already removed its entry. CROSS JOIN keeps SQLite on the short list, looking each trace up
    /// by its key.
    /// </summary>
    public const string IndexPendingSearch = """
        INSERT OR REPLACE INTO "TracesSearch" (rowid, "Name", "InputText", "OutputText")
        SELECT t."Id", t."Name", t."InputText", t."OutputText"
        FROM (SELECT "TraceRowId" FROM "TracesSearchPending" ORDER BY "TraceRowId" LIMIT $limit) AS p
        CROSS JOIN "Traces" AS t ON t."Id" = p."TraceRowId"
        """;

    /// <summary>Takes the traces <see cref="IndexPendingSearch"/> indexed off the list (same transaction).</summary>
    public const string DequeuePendingSearch = """
        DELETE FROM "TracesSearchPending"
        WHERE "TraceRowId" IN (SELECT "TraceRowId" FROM "TracesSearchPending" ORDER BY "TraceRowId" LIMIT $limit)
        """;

    /// <summary>
    /// Idempotent insert of a span filling the given columns (and always the project and ingestion time): a span
    /// already stored under the same ids changes nothing (0 rows).
    /// </summary>
    public static string InsertSpan(IEnumerable<string> valueColumns)
    {
        List<string> columns =
            [SpanRowBinding.ProjectIdColumn, .. valueColumns, SpanRowBinding.IngestedAtColumn];
        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", columns.Select(c => $"${c}"));

        return $"""
            INSERT INTO "Spans" ({names})
            VALUES ({values})
            ON CONFLICT ("ProjectId", "TraceId", "SpanId") DO NOTHING
            """;
    }
}
