namespace LlmObserve.Core.Metrics;

/// <summary>The SQL that keeps rollups; names are the EF defaults of <c>LlmObserveDbContext</c>.</summary>
internal static class RollupSql
{
    public const string ReadTrace = """
        SELECT "StartTimeUnixNano", "Environment", "UserId", "SessionId", "Status", "LatencyMs",
            "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost", "Models"
        FROM "Traces"
        WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    /// <summary>
    /// Per model, the trace's model calls: their count, usage, cost, and how many reported usage with no cost
    /// (unpriced) or had their tokens estimated. A model call without a model is grouped under NULL. A call whose
    /// descendants report usage or cost too only repeats them and is left out (CONVENTIONS.md P12); which spans
    /// count is the trace aggregate's rule: model calls when any reports tokens, else every span.
    /// </summary>
    public const string ReadModels = """
        WITH RECURSIVE
        mu(v) AS (
            SELECT EXISTS (SELECT 1 FROM "Spans"
                WHERE "ProjectId" = $project AND "TraceId" = $trace AND "Type" IN ('generation', 'embedding')
                    AND ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL))),
        anc(id) AS (
            SELECT "ParentSpanId" FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace AND "ParentSpanId" IS NOT NULL
                AND ("Type" IN ('generation', 'embedding') OR NOT (SELECT v FROM mu))
                AND ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL
                    OR "Cost" IS NOT NULL)
            UNION
            SELECT s."ParentSpanId" FROM anc
            JOIN "Spans" s ON s."ProjectId" = $project AND s."TraceId" = $trace AND s."SpanId" = anc.id
            WHERE s."ParentSpanId" IS NOT NULL)
        SELECT "Model", count(*), sum("InputTokens"), sum("OutputTokens"), sum("CacheReadTokens"),
            sum("ReasoningTokens"),
            sum(COALESCE("TotalTokens", COALESCE("InputTokens", 0) + COALESCE("OutputTokens", 0))),
            sum(CAST(round(COALESCE("Cost", 0) * 1e9) AS INTEGER)),
            sum("Cost" IS NULL
                AND ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL)),
            sum("UsageEstimated")
        FROM "Spans"
        WHERE "ProjectId" = $project AND "TraceId" = $trace AND "Type" IN ('generation', 'embedding')
            AND NOT ("SpanId" IN (SELECT id FROM anc)
                AND ("InputTokens" IS NOT NULL OR "OutputTokens" IS NOT NULL OR "TotalTokens" IS NOT NULL
                    OR "Cost" IS NOT NULL))
        GROUP BY "Model"
        ORDER BY "Model"
        """;

    public const string ReadState = """
        SELECT "ContributionJson" FROM "TraceRollupStates" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string WriteState = """
        INSERT INTO "TraceRollupStates" ("ProjectId", "TraceId", "ContributionJson") VALUES ($project, $trace, $json)
        ON CONFLICT ("ProjectId", "TraceId") DO UPDATE SET "ContributionJson" = excluded."ContributionJson"
        """;

    public const string DeleteState = """
        DELETE FROM "TraceRollupStates" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    /// <summary>
    /// Adds a change to a rollup row. The longest and shortest latency only ever widen; a row that held traces
    /// before they were kept stays without them (unknown), since the traces added later do not tell its extremes.
    /// </summary>
    public const string UpsertRollup = """
        INSERT INTO "MetricRollups" ("ProjectId", "Resolution", "BucketStart", "Environment", "Model", "Requests",
            "Errors", "LatencySumMicros", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens",
            "TotalTokens", "CostNanoUsd", "ModelCalls", "UnpricedCalls", "EstimatedCalls", "LatencyHistogram",
            "MaxLatencyMicros", "MinLatencyMicros")
        VALUES ($project, $resolution, $bucket, $environment, $model, $requests, $errors, $latency, $input, $output,
            $cached, $reasoning, $total, $cost, $calls, $unpriced, $estimated, $histogram, $maxLatency, $minLatency)
        ON CONFLICT ("ProjectId", "Resolution", "BucketStart", "Environment", "Model") DO UPDATE SET
            "Requests" = "Requests" + excluded."Requests",
            "Errors" = "Errors" + excluded."Errors",
            "LatencySumMicros" = "LatencySumMicros" + excluded."LatencySumMicros",
            "InputTokens" = "InputTokens" + excluded."InputTokens",
            "OutputTokens" = "OutputTokens" + excluded."OutputTokens",
            "CachedTokens" = "CachedTokens" + excluded."CachedTokens",
            "ReasoningTokens" = "ReasoningTokens" + excluded."ReasoningTokens",
            "TotalTokens" = "TotalTokens" + excluded."TotalTokens",
            "CostNanoUsd" = "CostNanoUsd" + excluded."CostNanoUsd",
            "ModelCalls" = "ModelCalls" + excluded."ModelCalls",
            "UnpricedCalls" = "UnpricedCalls" + excluded."UnpricedCalls",
            "EstimatedCalls" = "EstimatedCalls" + excluded."EstimatedCalls",
            "LatencyHistogram" = excluded."LatencyHistogram",
            "MaxLatencyMicros" = CASE
                WHEN "MaxLatencyMicros" IS NULL AND "Requests" <> 0 THEN NULL
                WHEN excluded."MaxLatencyMicros" IS NULL THEN "MaxLatencyMicros"
                WHEN "MaxLatencyMicros" IS NULL OR excluded."MaxLatencyMicros" > "MaxLatencyMicros"
                    THEN excluded."MaxLatencyMicros"
                ELSE "MaxLatencyMicros" END,
            "MinLatencyMicros" = CASE
                WHEN "MinLatencyMicros" IS NULL AND "Requests" <> 0 THEN NULL
                WHEN excluded."MinLatencyMicros" IS NULL THEN "MinLatencyMicros"
                WHEN "MinLatencyMicros" IS NULL OR excluded."MinLatencyMicros" < "MinLatencyMicros"
                    THEN excluded."MinLatencyMicros"
                ELSE "MinLatencyMicros" END
        """;

    public const string UpsertActorSlice = """
        INSERT INTO "ActorSliceRollups" ("ProjectId", "Kind", "Model", "Environment", "BucketStart", "Key",
            "Requests", "Errors", "TotalTokens", "CostNanoUsd")
        VALUES ($project, $kind, $model, $environment, $bucket, $key, $requests, $errors, $total, $cost)
        ON CONFLICT ("ProjectId", "Kind", "Model", "Environment", "BucketStart", "Key") DO UPDATE SET
            "Requests" = "Requests" + excluded."Requests",
            "Errors" = "Errors" + excluded."Errors",
            "TotalTokens" = "TotalTokens" + excluded."TotalTokens",
            "CostNanoUsd" = "CostNanoUsd" + excluded."CostNanoUsd"
        """;

    public const string ReadHistogram = """
        SELECT "LatencyHistogram" FROM "MetricRollups"
        WHERE "ProjectId" = $project AND "Resolution" = $resolution AND "BucketStart" = $bucket
            AND "Environment" = $environment AND "Model" = $model
        """;

    public const string UpsertActor = """
        INSERT INTO "ActorRollups" ("ProjectId", "BucketStart", "Kind", "Key", "Requests", "Errors", "TotalTokens",
            "CostNanoUsd")
        VALUES ($project, $bucket, $kind, $key, $requests, $errors, $total, $cost)
        ON CONFLICT ("ProjectId", "Kind", "BucketStart", "Key") DO UPDATE SET
            "Requests" = "Requests" + excluded."Requests",
            "Errors" = "Errors" + excluded."Errors",
            "TotalTokens" = "TotalTokens" + excluded."TotalTokens",
            "CostNanoUsd" = "CostNanoUsd" + excluded."CostNanoUsd"
        """;
}
