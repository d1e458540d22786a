namespace LlmObserve.Core.Feedback;

/// <summary>A user's signal about a response: explicit (thumbs, rating, comment) or implicit (retry, …).</summary>
public sealed class FeedbackEntry
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>The trace it concerns; null until a request id is resolved to a trace.</summary>
    public string? TraceId { get; set; }

    /// <summary>The application's own request id, when the trace id is not known to the caller.</summary>
    public string? RequestId { get; set; }

    /// <summary>thumbs, rating, comment, retry, rephrase, escalate, abandon, copy.</summary>
    public required string Kind { get; set; }

    public double? Value { get; set; }

    public string? Comment { get; set; }

    public string? UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
