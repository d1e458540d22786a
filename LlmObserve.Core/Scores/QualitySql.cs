namespace LlmObserve.Core.Scores;

/// <summary>The Quality page's SQL over <c>ScoreRollups</c>.</summary>
internal static class QualitySql
{
    // As on the overview: a rollup bucket moved into the viewer's zone, cut down to a whole step and moved back.
    private const string ChartBucket = "(((\"BucketStart\" + $offset) / $step) * $step - $offset)";

    /// <summary>The environment, release and model combinations with scores from <c>$from</c> to <c>$to</c>.</summary>
    public const string Dimensions = """
        SELECT DISTINCT "Environment", "Release", "Model" FROM "ScoreRollups"
        WHERE "ProjectId" = $project AND "Resolution" = 3600 AND "BucketStart" >= $from AND "BucketStart" < $to
        """;

    /// <summary>
    /// The rollup rows of the range summed per chart bucket, name, split value, whole-trace row or not, and label:
    /// hourly rows from <c>$hourFrom</c> to <c>$hourTo</c>, minute rows before and after, so the range is covered
    /// exactly once. Whole-trace rows (model <c>*</c>) serve the totals; a model split (without a model filter) also
    /// reads the per-model rows.
    /// </summary>
    public static string Timeline(QualityFilter filter, QualitySplit split)
    {
        var conditions = (filter.Environment is null ? string.Empty : " AND \"Environment\" = $environment")
            + (filter.Release is null ? string.Empty : " AND \"Release\" = $release")
            + (filter.Model is not null ? " AND \"Model\" = $model"
                : split == QualitySplit.Model ? string.Empty
                : " AND \"Model\" = '*'");
        var part = split switch
        {
            QualitySplit.Environment => "\"Environment\"",
            QualitySplit.Release => "\"Release\"",
            QualitySplit.Model => "\"Model\"",
            _ => "''",
        };
        string Rows(int resolution, string from, string to) => $"""
            SELECT {ChartBucket} AS bucket, "Name", {part} AS part, "Model" = '*' AS whole, "Label",
                "Count", "ValueCount", "ValueSum"
            FROM "ScoreRollups"
            WHERE "ProjectId" = $project AND "Resolution" = {resolution}
                AND "BucketStart" >= {from} AND "BucketStart" < {to}{conditions}
            """;
        return $"""
            SELECT bucket, "Name", part, whole, "Label", sum("Count"), sum("ValueCount"), sum("ValueSum")
            FROM (
                {Rows(60, "$from", "$hourFrom")}
                UNION ALL
                {Rows(3600, "$hourFrom", "$hourTo")}
                UNION ALL
                {Rows(60, "$hourTo", "$to")}
            )
            GROUP BY bucket, "Name", part, whole, "Label"
            """;
    }
}
