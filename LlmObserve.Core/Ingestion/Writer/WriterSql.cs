namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>The SQL the writer runs. Names are the EF defaults of <c>LlmObserveDbContext</c>.</summary>
internal static class WriterSql
{
    /// <summary>
    /// Inserts a score; one re-sent under a client id the project already has changes nothing (0 rows). The conflict
    /// target is the partial index <c>UX_Scores_ClientId</c>, so any other unique index still refuses as before.
    /// </summary>
    public const string InsertScore = """
        INSERT INTO "Scores" ("ProjectId", "TraceId", "SpanId", "Name", "Value", "Label", "Explanation", "Source",
            "EvaluatorId", "EvaluatorVersion", "CreatedAt", "ClientId")
        VALUES ($project, $trace, $span, $name, $value, $label, $explanation, $source,
            $evaluator, $evaluatorVersion, $createdAt, $clientId)
        ON CONFLICT ("ProjectId", "ClientId") WHERE "ClientId" IS NOT NULL DO NOTHING
        """;

    /// <summary>Inserts a feedback entry, idempotent by client id like <see cref="InsertScore"/>.</summary>
    public const string InsertFeedback = """
        INSERT INTO "Feedback" ("ProjectId", "TraceId", "RequestId", "Kind", "Value", "Comment", "UserId", "CreatedAt",
            "ClientId")
        VALUES ($project, $trace, $request, $kind, $value, $comment, $user, $createdAt, $clientId)
        ON CONFLICT ("ProjectId", "ClientId") WHERE "ClientId" IS NOT NULL DO NOTHING
        """;

    /// <summary>
    /// The narrow columns of the spans of one trace stored before the running transaction (row id at most
    /// <c>$storedBefore</c>, decided from the index entry without reading the row), for <see cref="TraceAggregate"/>,
    /// in the order <c>SpanStoreStatements</c> reads them. Large texts are only tested for presence: they are fetched
    /// afterwards from the one span that wins (<see cref="SelectTraceTexts"/>).
    /// </summary>
    public const string SelectSpanFacts = """
        SELECT "Id", "ParentSpanId", "Name", "Type" IN ('generation', 'embedding'), "StartTimeUnixNano",
            "EndTimeUnixNano", "Status", "Model", "InputTokens", "OutputTokens", "CacheReadTokens", "ReasoningTokens",
            "TotalTokens", "Cost", "SessionId", "UserId", "Environment", "Release", "Version", "TagsJson", "TraceName",
            "MetadataJson" IS NOT NULL, "TraceInputText" IS NOT NULL, "TraceOutputText" IS NOT NULL,
            "InputText" IS NOT NULL, "OutputText" IS NOT NULL, "UsageEstimated", "SpanId"
        FROM "Spans"
        WHERE "ProjectId" = $project AND "TraceId" = $trace AND "Id" <= $storedBefore
        """;

    /// <summary>The highest span row id; spans inserted afterwards get higher ones.</summary>
    public const string LastSpanRowId = """SELECT COALESCE(max("Id"), 0) FROM "Spans" """;

    /// <summary>The trace's metadata, input and output, each from the span (row id) and column that won.</summary>
    public const string SelectTraceTexts = """
        SELECT (SELECT "MetadataJson" FROM "Spans" WHERE "Id" = $metadata),
            (SELECT CASE WHEN $inputFromTrace THEN "TraceInputText" ELSE "InputText" END
                FROM "Spans" WHERE "Id" = $input),
            (SELECT CASE WHEN $outputFromTrace THEN "TraceOutputText" ELSE "OutputText" END
                FROM "Spans" WHERE "Id" = $output)
        """;

    /// <summary>The trace columns the writer sets, in the order of <see cref="UpsertTrace"/>'s values.</summary>
    public static readonly string[] TraceColumns =
    [
        "ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment", "Release", "Version", "TagsJson",
        "MetadataJson", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status", "InputText", "OutputText",
        "Models", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost",
        "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano",
    ];

    /// <summary>
    /// The trace columns that list indexes cover (besides the project and trace id, which never change): an update
    /// that sets one of them rewrites that index's entry even when the value is the same, so they are set only when
    /// they changed.
    /// </summary>
    public static readonly string[] IndexedTraceColumns =
    [
        "SessionId", "UserId", "Environment", "StartTimeUnixNano", "LatencyMs", "Status", "TotalTokens", "Cost",
    ];

    /// <summary>A stored trace's row id and its <see cref="IndexedTraceColumns"/>, in that order.</summary>
    public static readonly string SelectStoredTrace = $"""
        SELECT "Id", {string.Join(", ", IndexedTraceColumns.Select(c => $"\"{c}\""))}
        FROM "Traces"
        WHERE "ProjectId" = $ProjectId AND "TraceId" = $TraceId
        """;

    /// <summary>Inserts a trace row or, when the trace is stored, replaces its derived columns.</summary>
    public static readonly string UpsertTrace = $"""
        INSERT INTO "Traces" ({string.Join(", ", TraceColumns.Select(c => $"\"{c}\""))})
        VALUES ({string.Join(", ", TraceColumns.Select(c => "$" + c))})
        ON CONFLICT ("ProjectId", "TraceId") DO UPDATE SET
            {string.Join(", ", TraceColumns.Skip(2).Select(c => $"\"{c}\" = excluded.\"{c}\""))}
        """;

    /// <summary>Updates the stored trace <c>$Id</c>, setting only <paramref name="columns"/>.</summary>
    public static string UpdateTrace(IEnumerable<string> columns) => $"""
        UPDATE "Traces" SET {string.Join(", ", columns.Select(c => $"\"{c}\" = ${c}"))}
        WHERE "Id" = $Id
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
