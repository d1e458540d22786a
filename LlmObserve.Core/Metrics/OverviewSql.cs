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
    /// The rollup rows of the range, each with its chart bucket: hourly rows from <c>$hourFrom</c> to
    /// <c>$hourTo</c>, minute rows for the minutes before and after, so the range is covered exactly once. Not
    /// grouped in SQL: rows are few (one per stored bucket, environment and model) and their histograms are summed
    /// in memory. With <paramref name="byModel"/> only that model's rows are read, histograms included. After the
    /// histogram come the longest and shortest latency of the row (null where not kept).
    /// </summary>
    public static string Timeline(bool byEnvironment, bool byModel)
    {
        var filter = (byEnvironment ? " AND \"Environment\" = $environment" : string.Empty)
            + (byModel ? " AND \"Model\" = $model" : string.Empty);
        var histogram = byModel
            ? "\"LatencyHistogram\", \"MaxLatencyMicros\", \"MinLatencyMicros\""
            : "CASE WHEN \"Model\" = '*' THEN \"LatencyHistogram\" END, "
                + "CASE WHEN \"Model\" = '*' THEN \"MaxLatencyMicros\" END, "
                + "CASE WHEN \"Model\" = '*' THEN \"MinLatencyMicros\" END";
        string Part(int resolution, string from, string to) => $"""
            SELECT {ChartBucket} AS bucket, "Environment", "Model",
                "Requests", "Errors", "LatencySumMicros", "InputTokens", "OutputTokens", "CachedTokens",
                "ReasoningTokens", "TotalTokens", "CostNanoUsd", "ModelCalls", "UnpricedCalls", "EstimatedCalls",
                {histogram}
            FROM "MetricRollups"
            WHERE "ProjectId" = $project AND "Resolution" = {resolution}
                AND "BucketStart" >= {from} AND "BucketStart" < {to}{filter}
            """;
        return Part(RollupResolution.Minute, "$from", "$hourFrom") + "\nUNION ALL\n"
            + Part(RollupResolution.Hour, "$hourFrom", "$hourTo") + "\nUNION ALL\n"
            + Part(RollupResolution.Minute, "$hourTo", "$to");
    }

    /// <summary>
    /// Top users or sessions of a long range: the whole UTC days inside it from daily rollups, the ragged ends from
    /// the traces (their start-time index).
    /// </summary>
    public static string TopActorsFromDaysAndEdges(string column) => $"""
        SELECT "Key", sum("Requests"), sum("Errors"), sum("TotalTokens"), sum("CostNanoUsd") AS cost
        FROM (
            SELECT "Key", "Requests", "Errors", "TotalTokens", "CostNanoUsd"
            FROM "ActorRollups"
            WHERE "ProjectId" = $project AND "Kind" = $kind AND "BucketStart" >= $dayFrom AND "BucketStart" < $dayTo
            UNION ALL
            {EdgeTraces(column, "$from", "$dayFromNanos")}
            UNION ALL
            {EdgeTraces(column, "$dayToNanos", "$to")}
        )
        GROUP BY "Key"
        HAVING sum("Requests") > 0 AND cost > 0
        ORDER BY cost DESC, "Key"
        LIMIT $limit
        """;

    /// <summary>
    /// Top users or sessions of a long range under an environment or model filter: the whole UTC days inside it
    /// from the actor slices of that environment and model (all environments the project has seen when only a model
    /// is asked), the ragged ends from the traces the filter keeps.
    /// </summary>
    public static string TopActorsFromSlicesAndEdges(string column, OverviewFilter filter)
    {
        var environment = filter.Environment is null
            ? """
                IN (SELECT "Environment" FROM "MetricRollups"
                    WHERE "ProjectId" = $project AND "Resolution" = 0 AND "BucketStart" = 0 AND "Model" = '*')
              """
            : "= $environment";
        return $"""
            SELECT "Key", sum("Requests"), sum("Errors"), sum("TotalTokens"), sum("CostNanoUsd") AS cost
            FROM (
                SELECT "Key", "Requests", "Errors", "TotalTokens", "CostNanoUsd"
                FROM "ActorSliceRollups"
                WHERE "ProjectId" = $project AND "Kind" = $kind AND "Model" = $sliceModel
                    AND "Environment" {environment.Trim()}
                    AND "BucketStart" >= $dayFrom AND "BucketStart" < $dayTo
                UNION ALL
                {EdgeTraces(column, "$from", "$dayFromNanos")}{TraceFilter(filter)}
                UNION ALL
                {EdgeTraces(column, "$dayToNanos", "$to")}{TraceFilter(filter)}
            )
            GROUP BY "Key"
            HAVING sum("Requests") > 0 AND cost > 0
            ORDER BY cost DESC, "Key"
            LIMIT $limit
            """;
    }

    /// <summary>Top users or sessions of a short range, straight from the traces (their start-time index).</summary>
    public static string TopActorsFromTraces(string column, OverviewFilter filter) => $"""
        SELECT "{column}", count(*), sum("Status" = 'error'), sum("TotalTokens"),
            sum(CAST(round(COALESCE("Cost", 0) * 1e9) AS INTEGER)) AS cost
        FROM "Traces"
        WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= $from AND "StartTimeUnixNano" < $to
            AND "{column}" IS NOT NULL AND "{column}" <> ''{TraceFilter(filter)}
        GROUP BY "{column}"
        HAVING cost > 0
        ORDER BY cost DESC, "{column}"
        LIMIT $limit
        """;

    /// <summary>
    /// The costliest traces of a range. <paramref name="byCost"/> walks the cost index from the top and skips traces
    /// outside the range, right when the range holds a good share of the traces; otherwise the range is read through
    /// the start-time index and sorted.
    /// </summary>
    public static string TopTraces(bool byCost, OverviewFilter filter) => $"""
        SELECT "TraceId", "Name", "UserId", "SessionId", "StartTimeUnixNano", "Status", "TotalTokens", "Cost",
            EXISTS (SELECT 1 FROM "Spans" es
                WHERE es."ProjectId" = "Traces"."ProjectId" AND es."TraceId" = "Traces"."TraceId"
                    AND es."UsageEstimated" = 1 AND es."Type" IN ('generation', 'embedding'))
        FROM "Traces" {(byCost ? "INDEXED BY \"IX_Traces_ProjectId_Cost_TraceId\"" : string.Empty)}
        WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= $from AND "StartTimeUnixNano" < $to
            AND "Cost" > 0{TraceFilter(filter)}
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

    /// <summary>
    /// The traces' side of an <see cref="OverviewFilter"/>. A trace lists the models it named, so a filter on calls
    /// that named no model keeps the traces that named none.
    /// </summary>
    private static string TraceFilter(OverviewFilter filter)
        => (filter.Environment is null ? string.Empty : " AND COALESCE(\"Environment\", '') = $environment")
            + (filter.Model switch
            {
                null => string.Empty,
                RollupMaintainer.NoModel => " AND COALESCE(\"Models\", '') = ''",
                _ => " AND instr(',' || \"Models\" || ',', ',' || $model || ',') > 0",
            });

    private static string EdgeTraces(string column, string from, string to) => $"""
        SELECT "{column}" AS "Key", 1 AS "Requests", "Status" = 'error' AS "Errors", "TotalTokens",
                CAST(round(COALESCE("Cost", 0) * 1e9) AS INTEGER) AS "CostNanoUsd"
            FROM "Traces"
            WHERE "ProjectId" = $project AND "StartTimeUnixNano" >= {from} AND "StartTimeUnixNano" < {to}
                AND "{column}" IS NOT NULL AND "{column}" <> ''
        """;
}
