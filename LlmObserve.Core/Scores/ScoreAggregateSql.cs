namespace LlmObserve.Core.Scores;

/// <summary>The SQL that keeps the score aggregates; names are the EF defaults of <c>LlmObserveDbContext</c>.</summary>
internal static class ScoreAggregateSql
{
    public const string ReadTrace = """
        SELECT "Id", "StartTimeUnixNano", "Environment", "Release", "Models"
        FROM "Traces"
        WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string ReadScores = """
        SELECT "Name", "Value", "Label", "CreatedAt"
        FROM "Scores"
        WHERE "ProjectId" = $project AND "TraceId" = $trace
        ORDER BY "Id"
        """;

    public const string DeleteSummaries = """
        DELETE FROM "TraceScores" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string InsertSummary = """
        INSERT INTO "TraceScores" ("ProjectId", "TraceId", "Name", "TraceRowId", "Count", "ValueCount", "Mean",
            "LabelsJson")
        VALUES ($project, $trace, $name, $row, $count, $valueCount, $mean, $labels)
        """;

    public const string ReadState = """
        SELECT "ContributionJson" FROM "ScoreRollupStates" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string WriteState = """
        INSERT INTO "ScoreRollupStates" ("ProjectId", "TraceId", "ContributionJson") VALUES ($project, $trace, $json)
        ON CONFLICT ("ProjectId", "TraceId") DO UPDATE SET "ContributionJson" = excluded."ContributionJson"
        """;

    public const string DeleteState = """
        DELETE FROM "ScoreRollupStates" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string UpsertRollup = """
        INSERT INTO "ScoreRollups" ("ProjectId", "Resolution", "BucketStart", "Name", "Environment", "Release",
            "Model", "Label", "Count", "ValueCount", "ValueSum")
        VALUES ($project, $resolution, $bucket, $name, $environment, $release, $model, $label, $count, $valueCount,
            $valueSum)
        ON CONFLICT ("ProjectId", "Resolution", "BucketStart", "Name", "Environment", "Release", "Model", "Label")
        DO UPDATE SET
            "Count" = "Count" + excluded."Count",
            "ValueCount" = "ValueCount" + excluded."ValueCount",
            "ValueSum" = "ValueSum" + excluded."ValueSum"
        """;

    /// <summary>A row whose last score was taken back goes, so no name lingers in a range with nothing in it.</summary>
    public const string DeleteEmptyRollup = """
        DELETE FROM "ScoreRollups"
        WHERE "ProjectId" = $project AND "Resolution" = $resolution AND "BucketStart" = $bucket AND "Name" = $name
            AND "Environment" = $environment AND "Release" = $release AND "Model" = $model AND "Label" = $label
            AND "Count" <= 0
        """;

    /// <summary>Takes one trace off the list of traces whose aggregates are due; 1 row when it was listed.</summary>
    public const string TakeListed = """
        DELETE FROM "ScoreRollupPending" WHERE "ProjectId" = $project AND "TraceId" = $trace
        """;

    public const string ReadListed = """
        SELECT "ProjectId", "TraceId" FROM "ScoreRollupPending" LIMIT $limit
        """;

    public const string HasListed = """SELECT EXISTS (SELECT 1 FROM "ScoreRollupPending")""";
}
