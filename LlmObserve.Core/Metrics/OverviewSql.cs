namespace LlmObserve.Core.Metrics;

/// <summary>The dashboard's SQL over the rollups.</summary>
internal static class OverviewSql
{
    /// <summary>Columns after bucket, environment and model in <see cref="Timeline"/>.</summary>
    public const int SumColumns = 12;

    // A bucket of the chart is the rollup bucket moved into the viewer's zone, cut down to a whole step and moved
    // back, so a day starts at the viewer's midnight.
    private const string ChartBucket = "(((\"BucketStart\" + $offset) / $step) * $step - $offset)";

    public const string Timeline = $"""
        SELECT {ChartBucket} AS bucket, "Environment", "Model",
            sum("Requests"), sum("Errors"), sum("LatencySumMicros"), sum("InputTokens"), sum("OutputTokens"),
            sum("CachedTokens"), sum("ReasoningTokens"), sum("TotalTokens"), sum("CostNanoUsd"), sum("ModelCalls"),
            sum("UnpricedCalls"), sum("EstimatedCalls")
        FROM "MetricRollups"
        WHERE "ProjectId" = $project AND "Resolution" = $resolution
            AND "BucketStart" >= $from AND "BucketStart" < $to
        GROUP BY bucket, "Environment", "Model"
        """;

    public const string Latency = $"""
        SELECT {ChartBucket} AS bucket, "Environment", "Model", "Bin", sum("Count")
        FROM "LatencyRollups"
        WHERE "ProjectId" = $project AND "Resolution" = $resolution
            AND "BucketStart" >= $from AND "BucketStart" < $to
        GROUP BY bucket, "Environment", "Model", "Bin"
        """;

    public const string TopActors = """
        SELECT "Key", sum("Requests"), sum("Errors"), sum("TotalTokens"), sum("CostNanoUsd") AS cost
        FROM "ActorRollups"
        WHERE "ProjectId" = $project AND "Kind" = $kind AND "BucketStart" >= $from AND "BucketStart" < $to
        GROUP BY "Key"
        HAVING sum("Requests") > 0
        ORDER BY cost DESC, "Key"
        LIMIT $limit
        """;

    public const string TopTraces = """
        SELECT "TraceId", "Name", "UserId", "SessionId", "StartTimeUnixNano", "Status", "TotalTokens", "Cost"
        FROM "Traces"
        WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= $from AND "StartTimeUnixNano" < $to
            AND "Cost" > 0
        ORDER BY "Cost" DESC, "TraceId"
        LIMIT $limit
        """;
}
