using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Drift.Features;

/// <summary>Which features to read: a project's traces that started in [From, To), optionally filtered.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="From">The window's start, inclusive.</param>
/// <param name="To">The window's end, exclusive.</param>
/// <param name="Model">Only traces that called this model (as the trace list's <c>model</c> filter).</param>
/// <param name="Environment">Only traces of this environment.</param>
/// <param name="MaxTraces">
/// The most rows returned; a window with more featured traces is thinned evenly over time (every k-th by start).
/// </param>
/// <param name="IncludeEmbeddings">Decode the two embeddings of each row (388 bytes each stored, 1.5 KB read).</param>
public sealed record TraceFeatureWindowQuery(
    string ProjectId,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Model = null,
    string? Environment = null,
    int MaxTraces = TraceFeatureWindowQuery.DefaultMaxTraces,
    bool IncludeEmbeddings = true)
{
    public const int DefaultMaxTraces = 100_000;

    /// <summary>The largest <see cref="MaxTraces"/> accepted.</summary>
    public const int MaxMaxTraces = 1_000_000;
}

/// <summary>The features of one trace as read back: embeddings decoded to float vectors (not unit length).</summary>
public sealed record TraceFeaturePoint(
    string TraceId,
    DateTimeOffset StartTime,
    int? InputTokens,
    int? OutputTokens,
    string? InputLanguage,
    string? OutputLanguage,
    bool? Refusal,
    string? Sentiment,
    double? SentimentScore,
    string? Tone,
    double LatencyMs,
    double? Cost,
    float[]? InputEmbedding,
    float[]? OutputEmbedding);

/// <summary>
/// A window's features. <see cref="Traces"/> counts every trace of the window that matches; <see cref="Featured"/>
/// those with features of the current version (the rest were not sampled, not yet settled or featured, or failed);
/// <see cref="Rows"/> holds at most the query's <c>MaxTraces</c> of them, in start order.
/// </summary>
public sealed record TraceFeatureWindow(
    TraceFeatureWindowQuery Query,
    int Traces,
    int Featured,
    IReadOnlyList<TraceFeaturePoint> Rows)
{
    public int Missing => Math.Max(0, Traces - Featured);

    /// <summary>Whether <see cref="Rows"/> is a thinned sample of the featured traces, not all of them.</summary>
    public bool Thinned => Rows.Count < Featured;

    /// <summary>The values of a numeric feature (<see cref="TraceFeatureNames.Numeric"/>), null where absent.</summary>
    /// <exception cref="ArgumentException">Not a numeric feature.</exception>
    public IReadOnlyList<double?> Numeric(string feature)
    {
        Func<TraceFeaturePoint, double?> read = feature switch
        {
            TraceFeatureNames.InputTokens => row => row.InputTokens,
            TraceFeatureNames.OutputTokens => row => row.OutputTokens,
            TraceFeatureNames.LatencyMs => row => row.LatencyMs,
            TraceFeatureNames.Cost => row => row.Cost,
            TraceFeatureNames.SentimentScore => row => row.SentimentScore,
            _ => throw new ArgumentException($"'{feature}' is not a numeric trace feature.", nameof(feature)),
        };
        return [.. Rows.Select(read)];
    }

    /// <summary>
    /// The values of a categorical feature (<see cref="TraceFeatureNames.Categorical"/>), null where absent.
    /// </summary>
    /// <exception cref="ArgumentException">Not a categorical feature.</exception>
    public IReadOnlyList<string?> Categorical(string feature)
    {
        Func<TraceFeaturePoint, string?> read = feature switch
        {
            TraceFeatureNames.InputLanguage => row => row.InputLanguage,
            TraceFeatureNames.OutputLanguage => row => row.OutputLanguage,
            TraceFeatureNames.Refusal => row => row.Refusal is { } refusal ? (refusal ? "true" : "false") : null,
            TraceFeatureNames.Sentiment => row => row.Sentiment,
            TraceFeatureNames.Tone => row => row.Tone,
            _ => throw new ArgumentException($"'{feature}' is not a categorical trace feature.", nameof(feature)),
        };
        return [.. Rows.Select(read)];
    }

    /// <summary>The input (or output) embeddings present in the rows, in row order.</summary>
    public IReadOnlyList<float[]> Embeddings(bool output = false)
        => [.. Rows.Select(row => output ? row.OutputEmbedding : row.InputEmbedding).OfType<float[]>()];
}

/// <summary>The names of the trace features, as monitors name them.</summary>
public static class TraceFeatureNames
{
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string LatencyMs = "latency_ms";
    public const string Cost = "cost";
    public const string SentimentScore = "sentiment_score";
    public const string InputLanguage = "input_language";
    public const string OutputLanguage = "output_language";
    public const string Refusal = "refusal";
    public const string Sentiment = "sentiment";
    public const string Tone = "tone";
    public const string InputEmbedding = "input_embedding";
    public const string OutputEmbedding = "output_embedding";

    public static readonly IReadOnlyList<string> Numeric = [InputTokens, OutputTokens, LatencyMs, Cost, SentimentScore];

    public static readonly IReadOnlyList<string> Categorical =
        [InputLanguage, OutputLanguage, Refusal, Sentiment, Tone];

    public static readonly IReadOnlyList<string> Embedding = [InputEmbedding, OutputEmbedding];
}

/// <summary>Reads the stored features of a window, for drift monitors.</summary>
public sealed class TraceFeatureQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    private const string RowColumns = """
        f."TraceId", f."StartTimeUnixNano", f."InputTokens", f."OutputTokens", f."InputLanguage", f."OutputLanguage",
        f."Refusal", f."Sentiment", f."SentimentScore", f."Tone", f."LatencyMs", f."Cost"
        """;

    /// <exception cref="ArgumentException">An empty or reversed range, or a bound outside 1..1,000,000.</exception>
    public async Task<TraceFeatureWindow> ReadWindowAsync(
        TraceFeatureWindowQuery query,
        CancellationToken cancellationToken = default)
    {
        if (query.To <= query.From)
        {
            throw new ArgumentException("The window's end must come after its start.", nameof(query));
        }

        if (query.MaxTraces is < 1 or > TraceFeatureWindowQuery.MaxMaxTraces)
        {
            throw new ArgumentException(
                $"MaxTraces must lie between 1 and {TraceFeatureWindowQuery.MaxMaxTraces}.",
                nameof(query));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var filtered = !string.IsNullOrEmpty(query.Model) || !string.IsNullOrEmpty(query.Environment);
        var traceFilter = TraceFilter.None with { Model = query.Model, Environment = query.Environment };

        int traces;
        await using (var count = connection.CreateCommand())
        {
            var sql = new TraceListSql(
                query.ProjectId,
                traceFilter with { From = query.From, To = query.To });
            sql.ApplyTo(count);
            count.CommandText = $"""SELECT COUNT(*) FROM {sql.From} WHERE {sql.Where}""";
            traces = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), null);
        }

        await using var command = connection.CreateCommand();
        var join = string.Empty;
        var where = string.Empty;
        if (filtered)
        {
            var sql = new TraceListSql(query.ProjectId, traceFilter);
            sql.ApplyTo(command);
            join = """JOIN "Traces" AS t ON t."ProjectId" = f."ProjectId" AND t."TraceId" = f."TraceId" """;
            where = $" AND {sql.Where}";
        }

        command.Parameters.AddWithValue("$project", query.ProjectId);
        command.Parameters.AddWithValue("$version", TraceFeatureExtractor.Version);
        command.Parameters.AddWithValue("$from", UnixNanos.FromDateTimeOffset(query.From));
        command.Parameters.AddWithValue("$to", UnixNanos.FromDateTimeOffset(query.To));
        var window = $"""
            FROM "TraceFeatures" AS f {join}
            WHERE f."ProjectId" = $project AND f."FeatureVersion" = $version
                AND f."StartTimeUnixNano" >= $from AND f."StartTimeUnixNano" < $to{where}
            """;
        command.CommandText = $"SELECT COUNT(*) {window}";
        var featured = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), null);

        // Thinned evenly: every stride-th row in start order, so the sample spans the whole window.
        var stride = Math.Max(1, (int)Math.Ceiling(featured / (double)query.MaxTraces));
        var embeddings = query.IncludeEmbeddings ? """, f."InputEmbedding", f."OutputEmbedding" """ : string.Empty;
        command.CommandText = $"""
            SELECT {RowColumns}{embeddings}
            {window}
            ORDER BY f."StartTimeUnixNano", f."TraceId"
            """;
        var rows = new List<TraceFeaturePoint>(Math.Min(featured, query.MaxTraces));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            for (var n = 0; await reader.ReadAsync(cancellationToken); n++)
            {
                if (n % stride != 0 || rows.Count >= query.MaxTraces)
                {
                    continue;
                }

                rows.Add(Read(reader, query.IncludeEmbeddings));
            }
        }

        return new TraceFeatureWindow(query, traces, featured, rows);
    }

    private static TraceFeaturePoint Read(SqliteDataReader reader, bool embeddings) => new(
        reader.GetString(0),
        UnixNanos.ToDateTimeOffset(reader.GetInt64(1)),
        reader.IsDBNull(2) ? null : reader.GetInt32(2),
        reader.IsDBNull(3) ? null : reader.GetInt32(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetBoolean(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetDouble(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.GetDouble(10),
        reader.IsDBNull(11) ? null : reader.GetDouble(11),
        embeddings && !reader.IsDBNull(12) ? EmbeddingCodec.Decode(reader.GetFieldValue<byte[]>(12)) : null,
        embeddings && !reader.IsDBNull(13) ? EmbeddingCodec.Decode(reader.GetFieldValue<byte[]>(13)) : null);
}
