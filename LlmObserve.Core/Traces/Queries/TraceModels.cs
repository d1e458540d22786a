using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>One page of the trace list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record TracePage(IReadOnlyList<TraceSummary> Data, string? NextCursor);

/// <summary>A trace as the list shows it: aggregates and the start of its input and output.</summary>
public sealed record TraceSummary
{
    public required string TraceId { get; init; }

    public string? Name { get; init; }

    public string? SessionId { get; init; }

    public string? UserId { get; init; }

    public string? Environment { get; init; }

    public string? Release { get; init; }

    public string? Version { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset EndTime { get; init; }

    /// <summary>
    /// Exact start; a string in JSON because nanoseconds since 1970 exceed what JavaScript numbers hold.
    /// </summary>
    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long StartTimeUnixNano { get; init; }

    public double LatencyMs { get; init; }

    public required string Status { get; init; }

    /// <summary>The first <see cref="TraceQueries.PreviewChars"/> characters of the input.</summary>
    public string? InputPreview { get; init; }

    public string? OutputPreview { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    public required TokenTotals Tokens { get; init; }

    /// <summary>
    /// True when a model call of the trace reported no usage, so its tokens in <see cref="Tokens"/> were estimated
    /// from its text.
    /// </summary>
    public bool TokensEstimated { get; init; }

    public double? Cost { get; init; }

    public int SpanCount { get; init; }

    public int ErrorCount { get; init; }

    /// <summary>True while no span without a parent has arrived.</summary>
    public bool RootMissing { get; init; }

    /// <summary>The trace's scores, one entry per name (trace- and span-level together), by name.</summary>
    public IReadOnlyList<ScoreSummary> Scores { get; init; } = [];
}

/// <summary>
/// The scores of one name on a trace: how many, the mean of those with a value (null when all have only a label),
/// and the distinct labels given.
/// </summary>
public sealed record ScoreSummary(string Name, int Count, double? Mean, IReadOnlyList<string> Labels);

/// <summary>Token totals of a trace, inclusive as in OpenTelemetry: cached is in input, reasoning in output.</summary>
public sealed record TokenTotals(long Input, long Output, long Cached, long Reasoning, long Total);

/// <summary>A trace with everything known about it: spans ordered by start, scores and feedback.</summary>
public sealed record TraceDetail
{
    public required string TraceId { get; init; }

    public string? Name { get; init; }

    public string? SessionId { get; init; }

    public string? UserId { get; init; }

    public string? Environment { get; init; }

    public string? Release { get; init; }

    public string? Version { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public JsonElement? Metadata { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset EndTime { get; init; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long StartTimeUnixNano { get; init; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long EndTimeUnixNano { get; init; }

    public double LatencyMs { get; init; }

    public required string Status { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    public required TokenTotals Tokens { get; init; }

    /// <inheritdoc cref="TraceSummary.TokensEstimated"/>
    public bool TokensEstimated { get; init; }

    public double? Cost { get; init; }

    public int SpanCount { get; init; }

    public int ErrorCount { get; init; }

    public bool RootMissing { get; init; }

    public required IReadOnlyList<SpanDetail> Spans { get; init; }

    public required IReadOnlyList<ScoreView> Scores { get; init; }

    public required IReadOnlyList<FeedbackView> Feedback { get; init; }
}

/// <summary>A span with its JSON columns decoded into the records of SpanContent.cs.</summary>
public sealed record SpanDetail
{
    public required string SpanId { get; init; }

    public string? ParentSpanId { get; init; }

    /// <summary>True when the span names a parent that has not arrived (yet, or ever).</summary>
    public bool Orphan { get; init; }

    public required string Name { get; init; }

    /// <summary>One of <see cref="SpanType"/>.</summary>
    public required string Type { get; init; }

    public string? Kind { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset EndTime { get; init; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long StartTimeUnixNano { get; init; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long EndTimeUnixNano { get; init; }

    public double DurationMs { get; init; }

    public required string Status { get; init; }

    public string? StatusMessage { get; init; }

    public string? ErrorType { get; init; }

    public string? Model { get; init; }

    public string? RequestModel { get; init; }

    public string? ResponseModel { get; init; }

    public string? Provider { get; init; }

    public JsonElement? Parameters { get; init; }

    public string? InputText { get; init; }

    public string? OutputText { get; init; }

    public IReadOnlyList<ChatMessage>? InputMessages { get; init; }

    public IReadOnlyList<ChatMessage>? OutputMessages { get; init; }

    public JsonElement? ToolDefinitions { get; init; }

    public IReadOnlyList<RetrievedDocument>? Documents { get; init; }

    public ToolInvocation? Tool { get; init; }

    public required SpanUsage Usage { get; init; }

    public double? Cost { get; init; }

    public bool CostReported { get; init; }

    public JsonElement? CostDetails { get; init; }

    public string? SessionId { get; init; }

    public string? UserId { get; init; }

    public string? Environment { get; init; }

    public string? Release { get; init; }

    public string? Version { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public JsonElement? Metadata { get; init; }

    public IReadOnlyList<string>? FinishReasons { get; init; }

    public string? ResponseId { get; init; }

    public DateTimeOffset? CompletionStartTime { get; init; }

    public PromptReference? Prompt { get; init; }

    public string? ServiceName { get; init; }

    public string? ScopeName { get; init; }

    public JsonElement? Attributes { get; init; }

    public JsonElement? ResourceAttributes { get; init; }

    public required IReadOnlyList<SpanEventRecord> Events { get; init; }

    public required IReadOnlyList<SpanLinkRecord> Links { get; init; }

    public required IReadOnlyList<TruncationNote> Truncations { get; init; }

    /// <summary>What redaction replaced in this span before it was stored, by kind; empty when nothing.</summary>
    public IReadOnlyDictionary<string, int> Redactions { get; init; } = new Dictionary<string, int>();
}

/// <summary>Token usage of one span; <see cref="Estimated"/> when counted here rather than reported.</summary>
public sealed record SpanUsage(
    long? Input,
    long? Output,
    long? CacheRead,
    long? CacheWrite,
    long? Reasoning,
    long? Total,
    bool Estimated);

/// <summary>A score as the API returns it.</summary>
public sealed record ScoreView(
    long Id,
    string? SpanId,
    string Name,
    double? Value,
    string? Label,
    string? Explanation,
    string Source,
    string? EvaluatorId,
    string? EvaluatorVersion,
    DateTimeOffset CreatedAt);

/// <summary>A feedback entry as the API returns it.</summary>
public sealed record FeedbackView(
    long Id,
    string Kind,
    double? Value,
    string? Comment,
    string? UserId,
    string? RequestId,
    DateTimeOffset CreatedAt,
    string Source = "api",
    string? Inference = null);

/// <summary>How many traces match, up to a cap; <see cref="Capped"/> when more exist than were counted.</summary>
public sealed record TraceCount(int Count, bool Capped);

/// <summary>A trace as exported: the list row with its full input and output.</summary>
public sealed record TraceExportRow(TraceSummary Summary, string? Input, string? Output);
