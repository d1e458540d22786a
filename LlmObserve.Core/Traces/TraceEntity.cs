namespace LlmObserve.Core.Traces;

/// <summary>
/// A request as a whole. Every field is derived from the trace's spans and recomputed whenever one of
/// them arrives, in whatever order or batch.
/// </summary>
public sealed class TraceEntity
{
    /// <summary>
    /// The row's own number, assigned by the store. It is the SQLite rowid, declared as the key so it never changes
    /// (a VACUUM may renumber an implicit rowid): the full-text index refers to traces by it.
    /// </summary>
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    public string? Name { get; set; }

    public string? SessionId { get; set; }

    public string? UserId { get; set; }

    public string? Environment { get; set; }

    public string? Release { get; set; }

    public string? Version { get; set; }

    /// <summary>JSON array of strings, the union of the spans' tags.</summary>
    public string? TagsJson { get; set; }

    public string? MetadataJson { get; set; }

    public long StartTimeUnixNano { get; set; }

    public long EndTimeUnixNano { get; set; }

    public double LatencyMs { get; set; }

    /// <summary><see cref="SpanStatus.Error"/> when any span failed, else ok or unset.</summary>
    public required string Status { get; set; }

    public string? InputText { get; set; }

    public string? OutputText { get; set; }

    /// <summary>Distinct models of the trace's spans, comma separated in first-use order.</summary>
    public string? Models { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CachedTokens { get; set; }

    public long ReasoningTokens { get; set; }

    public long TotalTokens { get; set; }

    public double? Cost { get; set; }

    public int SpanCount { get; set; }

    public int ErrorCount { get; set; }

    /// <summary>True when no span of the trace has arrived without a parent: its root is missing.</summary>
    public bool RootMissing { get; set; }

    public long UpdatedAtUnixNano { get; set; }
}
