namespace LlmObserve.Core.Feedback;

/// <summary>
/// Where a trace carries the application's own request id: the top-level key <c>request_id</c> (or
/// <c>requestId</c>) of the trace's metadata. Natively that is <c>traces[].metadata.request_id</c>; over OTLP any
/// convention that fills the trace metadata does (<c>langfuse.trace.metadata.request_id</c>,
/// <c>traceloop.association.properties.request_id</c>, <c>ai.telemetry.metadata.request_id</c>). An expression index
/// over exactly <see cref="OfTrace"/> (migration <c>FeedbackLinking</c>) makes the lookup a seek.
/// </summary>
public static class FeedbackRequestIds
{
    /// <summary>
    /// Rows whose metadata can hold the key at all. A cheap text probe keeps the index (and the JSON parse) off the
    /// traces without one; queries repeat it so SQLite may use the partial index.
    /// </summary>
    public const string HasCandidate = """instr("MetadataJson", '"request') > 0""";

    /// <summary>
    /// The request id of the trace row in scope, as text; null when it has none. Metadata that is not valid JSON
    /// yields null instead of failing the statement that writes the trace.
    /// </summary>
    public const string OfTrace = """
        CAST(CASE WHEN json_valid("MetadataJson") THEN coalesce(json_extract("MetadataJson", '$.request_id'),
            json_extract("MetadataJson", '$.requestId')) END AS TEXT)
        """;

    /// <summary>The trace (earliest first) carrying request id <c>$request</c> in project <c>$project</c>.</summary>
    public const string FindTrace = $"""
        SELECT "TraceId" FROM "Traces"
        WHERE "ProjectId" = $project AND {OfTrace} = $request AND {HasCandidate}
        ORDER BY "StartTimeUnixNano", "TraceId"
        LIMIT 1
        """;
}
