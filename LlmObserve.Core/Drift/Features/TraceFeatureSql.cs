using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Drift.Features;

/// <summary>The feature job's hand-written statements (the column names are <see cref="TraceFeatureRow"/>'s).</summary>
internal static class TraceFeatureSql
{
    private static readonly string[] Columns =
    [
        "FeatureVersion", "ComputedAt", "TraceUpdatedAtUnixNano", "InputTokens", "OutputTokens", "InputLanguage",
        "OutputLanguage", "Refusal", "Sentiment", "SentimentScore", "Tone", "LatencyMs", "Cost", "InputEmbedding",
        "OutputEmbedding",
    ];

    /// <summary>
    /// Inserts a trace's features, reading its row id and start from the trace itself (so a trace deleted since it
    /// was read gets none), or replaces an older version's row, or one computed before the trace last changed.
    /// </summary>
    public static readonly string Upsert = $"""
        INSERT INTO "TraceFeatures" ("ProjectId", "TraceId", "TraceRowId", "StartTimeUnixNano",
            {string.Join(", ", Columns.Select(c => $"\"{c}\""))})
        SELECT t."ProjectId", t."TraceId", t."Id", t."StartTimeUnixNano",
            {string.Join(", ", Columns.Select(c => "$" + c))}
        FROM "Traces" AS t
        WHERE t."ProjectId" = $ProjectId AND t."TraceId" = $TraceId
        ON CONFLICT ("ProjectId", "TraceId") DO UPDATE SET
            "TraceRowId" = excluded."TraceRowId", "StartTimeUnixNano" = excluded."StartTimeUnixNano",
            {string.Join(", ", Columns.Select(c => $"\"{c}\" = excluded.\"{c}\""))}
        WHERE excluded."FeatureVersion" > "TraceFeatures"."FeatureVersion"
            OR (excluded."FeatureVersion" = "TraceFeatures"."FeatureVersion"
                AND excluded."TraceUpdatedAtUnixNano" > "TraceFeatures"."TraceUpdatedAtUnixNano")
        """;

    public static SqliteParameter[] Parameters(SqliteCommand command)
        => [.. new[] { "ProjectId", "TraceId" }.Concat(Columns)
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = "$" + name }))];

    public static void Bind(
        SqliteParameter[] parameters,
        string projectId,
        string traceId,
        long traceUpdatedAt,
        DateTimeOffset now,
        TraceFeatureValues values)
    {
        object?[] row =
        [
            projectId, traceId, TraceFeatureExtractor.Version, StoreTime.ToStore(now), traceUpdatedAt,
            values.InputTokens, values.OutputTokens, values.InputLanguage, values.OutputLanguage, values.Refusal,
            values.Sentiment, values.SentimentScore, values.Tone, values.LatencyMs, values.Cost,
            values.InputEmbedding is null ? null : EmbeddingCodec.Encode(values.InputEmbedding),
            values.OutputEmbedding is null ? null : EmbeddingCodec.Encode(values.OutputEmbedding),
        ];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = row[i] ?? DBNull.Value;
        }
    }
}
