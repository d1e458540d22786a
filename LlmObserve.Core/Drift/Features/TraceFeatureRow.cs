namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// The drift features of one trace (table <c>TraceFeatures</c>), one row per (project, trace), computed in the
/// background once the trace has settled and deleted with it (a trigger on <c>Traces</c>). A column is null when the
/// trace gave nothing to compute it from (no output: no output language, refusal, sentiment, tone or embedding).
/// </summary>
public sealed class TraceFeatureRow
{
    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    /// <summary>The trace's row id when it was featured (the scan's order).</summary>
    public long TraceRowId { get; set; }

    /// <summary>The trace's start, copied so a window's features are read by time without the trace table.</summary>
    public long StartTimeUnixNano { get; set; }

    /// <summary>The trace's last write when it was featured: a later span makes the row stale, to be redone.</summary>
    public long TraceUpdatedAtUnixNano { get; set; }

    /// <summary><see cref="TraceFeatureExtractor.Version"/> of the code that computed the row.</summary>
    public int FeatureVersion { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>Tokens of the trace's input text in o200k_base (one encoding for every model, see README).</summary>
    public int? InputTokens { get; set; }

    public int? OutputTokens { get; set; }

    /// <summary>ISO 639-1 code, or "unknown" for text too short or mixed to tell.</summary>
    public string? InputLanguage { get; set; }

    public string? OutputLanguage { get; set; }

    public bool? Refusal { get; set; }

    /// <summary>positive, neutral or negative (<see cref="ToneAnchors"/>).</summary>
    public string? Sentiment { get; set; }

    /// <summary>
    /// Similarity of the output to the positive anchors minus that to the negative ones: a continuous sentiment, about
    /// −0.3 to 0.3, for tests on numbers.
    /// </summary>
    public double? SentimentScore { get; set; }

    /// <summary>apologetic, formal, casual or assertive (<see cref="ToneAnchors"/>).</summary>
    public string? Tone { get; set; }

    public double LatencyMs { get; set; }

    /// <summary>The trace's cost in US dollars; null when nothing of it was priced.</summary>
    public double? Cost { get; set; }

    /// <summary>The input's MiniLM embedding, int8-quantized (<see cref="EmbeddingCodec"/>).</summary>
    public byte[]? InputEmbedding { get; set; }

    public byte[]? OutputEmbedding { get; set; }
}

/// <summary>
/// How far the feature job has read the traces of a project (table <c>TraceFeatureCursors</c>): every trace with a
/// row id up to <see cref="CursorRowId"/> was decided (featured, not sampled, or already featured) for
/// <see cref="FeatureVersion"/>. The cursor moves in the transaction that stores the features it passed.
/// </summary>
public sealed class TraceFeatureCursor
{
    public required string ProjectId { get; set; }

    public int FeatureVersion { get; set; }

    public long CursorRowId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
