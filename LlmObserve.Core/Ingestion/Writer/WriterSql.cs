namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>The SQL the writer runs. Names are the EF defaults of <c>LlmObserveDbContext</c>.</summary>
internal static class WriterSql
{
    /// <summary>Idempotent span insert: a span already stored under the same ids changes nothing (0 rows).</summary>
    public static string InsertSpan { get; } = BuildInsertSpan();

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
    /// Recomputes one trace from all of its stored spans and upserts it. <c>s</c> copies the narrow columns of the
    /// trace's spans once (reading a span row past its large text columns is the costly part); everything else
    /// works on that copy. Preference order "root, else earliest" is <c>is_root DESC, st, id</c>; the root is the
    /// earliest span without a parent. Large texts are fetched only for the one span that wins.
    /// </summary>
    public const string UpsertTrace = """
        WITH
        s AS MATERIALIZED (
            SELECT "SpanId" AS id, "ParentSpanId" IS NULL AS parentless, "Name" AS name,
                "Type" IN ('generation', 'embedding') AS model_call,
                "StartTimeUnixNano" AS st, "EndTimeUnixNano" AS en, "Status" AS status, "Model" AS model,
                "InputTokens" AS input_tokens, "OutputTokens" AS output_tokens,
                "CacheReadTokens" AS cached_tokens, "ReasoningTokens" AS reasoning_tokens,
                COALESCE("TotalTokens", COALESCE("InputTokens", 0) + COALESCE("OutputTokens", 0)) AS total_tokens,
                ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL) AS has_usage,
                "Cost" AS cost,
                "SessionId" AS session_id, "UserId" AS user_id, "Environment" AS environment,
                "Release" AS release, "Version" AS version, "TagsJson" AS tags, "MetadataJson" AS metadata,
                "TraceName" AS trace_name, "TraceInputText" AS trace_input, "TraceOutputText" AS trace_output,
                "InputText" IS NOT NULL AS has_input, "OutputText" IS NOT NULL AS has_output
            FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace),
        root AS (SELECT id FROM s WHERE parentless ORDER BY st, id LIMIT 1),
        o AS MATERIALIZED (SELECT s.*, s.id IS (SELECT id FROM root) AS is_root FROM s),
        usage AS (
            SELECT * FROM o
            WHERE model_call OR NOT EXISTS (SELECT 1 FROM o WHERE model_call AND has_usage))
        INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment", "Release",
            "Version", "TagsJson", "MetadataJson", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status",
            "InputText", "OutputText", "Models", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens",
            "TotalTokens", "Cost", "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
        SELECT $project, $trace,
            COALESCE(
                (SELECT trace_name FROM o WHERE trace_name IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
                (SELECT name FROM o ORDER BY is_root DESC, st, id LIMIT 1)),
            (SELECT session_id FROM o WHERE session_id IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            (SELECT user_id FROM o WHERE user_id IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            (SELECT environment FROM o WHERE environment IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            (SELECT release FROM o WHERE release IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            (SELECT version FROM o WHERE version IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            (SELECT CASE WHEN count(*) > 0 THEN json_group_array(tag ORDER BY tag) END
                FROM (SELECT DISTINCT t.value AS tag
                    FROM o, json_each(CASE WHEN json_valid(o.tags) THEN o.tags END) AS t
                    WHERE t.type NOT IN ('object', 'array', 'null'))),
            (SELECT metadata FROM o WHERE metadata IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
            a.st, a.en, (a.en - a.st) / 1e6,
            CASE WHEN a.errors > 0 THEN 'error' WHEN a.oks > 0 THEN 'ok' ELSE 'unset' END,
            COALESCE(
                (SELECT trace_input FROM o WHERE trace_input IS NOT NULL ORDER BY is_root DESC, st, id LIMIT 1),
                (SELECT "InputText" FROM "Spans"
                    WHERE "ProjectId" = $project AND "TraceId" = $trace
                        AND "SpanId" = (SELECT id FROM o WHERE has_input ORDER BY is_root DESC, st, id LIMIT 1))),
            COALESCE(
                (SELECT trace_output FROM o WHERE trace_output IS NOT NULL ORDER BY is_root DESC, en DESC, id LIMIT 1),
                (SELECT "OutputText" FROM "Spans"
                    WHERE "ProjectId" = $project AND "TraceId" = $trace
                        AND "SpanId" = (SELECT id FROM o WHERE has_output ORDER BY is_root DESC, en DESC, id LIMIT 1))),
            (SELECT group_concat(model, ',' ORDER BY first_st, model)
                FROM (SELECT model, min(st) AS first_st FROM o WHERE model IS NOT NULL GROUP BY model)),
            COALESCE(u.input_tokens, 0), COALESCE(u.output_tokens, 0), COALESCE(u.cached_tokens, 0),
            COALESCE(u.reasoning_tokens, 0), COALESCE(u.total_tokens, 0), u.cost,
            a.span_count, a.errors, a.roots = 0, $now
        FROM (SELECT min(st) AS st, max(en) AS en, count(*) AS span_count, sum(status = 'error') AS errors,
                sum(status = 'ok') AS oks, sum(is_root) AS roots
                FROM o) AS a,
            (SELECT sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens,
                sum(total_tokens) AS total_tokens, sum(cost) AS cost
                FROM usage) AS u
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

    private static string BuildInsertSpan()
    {
        var columns = SpanRowBinding.AllColumns.ToList();
        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", columns.Select(c => $"${c}"));

        return $"""
            INSERT INTO "Spans" ({names})
            VALUES ({values})
            ON CONFLICT ("ProjectId", "TraceId", "SpanId") DO NOTHING
            """;
    }
}
