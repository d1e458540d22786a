namespace LlmObserve.Core.Metrics;

/// <summary>The dashboard's SQL over the rollups.</summary>
internal static class OverviewSql
{
    /// <summary>Columns after bucket, environment and model in <see cref="Timeline"/>.</summary>
    public const int SumColumns = 12;

    // A bucket of the chart is the rollup bucket moved into the viewer's zone, cut down to a whole step and moved
    // back, so a day starts at the viewer's midnight.
    private const string ChartBucket = "(((\"BucketStart\" + $offset) / $step) * $step - $offset)";

    /// <summary>
    /// The rollup rows of the range, each with its chart bucket. Not grouped in SQL: rows are few (one per stored
    /// bucket, environment and model) and their histograms are summed in memory.
    /// </summary>
    public const string Timeline = $"""
        SELECT {ChartBucket} AS bucket, "Environment", "Model",
            "Requests", "Errors", "LatencySumMicros", "InputTokens", "OutputTokens", "CachedTokens",
            "ReasoningTokens", "TotalTokens", "CostNanoUsd", "ModelCalls", "UnpricedCalls", "EstimatedCalls",
            CASE WHEN "Model" = '*' THEN "LatencyHistogram" END
        FROM "MetricRollups"
        WHERE "ProjectId" = $project AND "Resolution" = $resolution
            AND "BucketStart" >= $from AND "BucketStart" < $to
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

    /// <summary>Top users or sessions of a short range, straight from the traces (their start-time index).</summary>
    public static string TopActorsFromTraces(string column) => $"""
        SELECT "{column}", count(*), sum("Status" = 'error'), sum("TotalTokens"),
            sum(CAST(round(COALESCE("Cost", 0) * 1e9) AS INTEGER)) AS cost
        FROM "Traces"
        WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= $from AND "StartTimeUnixNano" < $to
            AND "{column}" IS NOT NULL AND "{column}" <> ''
        GROUP BY "{column}"
        ORDER BY cost DESC, "{column}"
        LIMIT $limit
        """;

    /// <summary>
    /// The costliest traces of a range. <paramref name="byCost"/> walks the cost index from the top and skips traces
    /// outside the range, right when the range holds a good share of the traces; otherwise the range is read through
    /// the start-time index and sorted.
    /// </summary>
    public static string TopTraces(bool byCost) => $"""
        SELECT "TraceId", "Name", "UserId", "SessionId", "StartTimeUnixNano", "Status", "TotalTokens", "Cost"
        FROM "Traces" {(byCost ? "INDEXED BY \"IX_Traces_ProjectId_Cost_TraceId\"" : string.Empty)}
        WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= $from AND "StartTimeUnixNano" < $to
            AND "Cost" > 0
        ORDER BY "Cost" DESC, "TraceId" DESC
        LIMIT $limit
        """;

    /// <summary>Requests of a range (from hourly rows) and of all time, to judge how selective the range is.</summary>
    public const string RangeShare = """
        SELECT
            (SELECT COALESCE(sum("Requests"), 0) FROM "MetricRollups"
                WHERE "ProjectId" = $project AND "Resolution" = 3600 AND "Model" = '*'
                    AND "BucketStart" >= $fromHour AND "BucketStart" < $toSeconds),
            (SELECT COALESCE(sum("Requests"), 0) FROM "MetricRollups"
                WHERE "ProjectId" = $project AND "Resolution" = 0 AND "Model" = '*')
        """;
}
