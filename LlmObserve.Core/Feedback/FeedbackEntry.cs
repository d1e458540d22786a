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

    /// <summary>One of <see cref="FeedbackKinds.All"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>
    /// Thumbs: 1 up, -1 down; rating: 1 to 5; other kinds carry none (see <see cref="FeedbackKinds"/>).
    /// </summary>
    public double? Value { get; set; }

    public string? Comment { get; set; }

    public string? UserId { get; set; }

    /// <summary>When the user gave it (the caller's time when sent, else when it was received).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who produced it: <see cref="FeedbackSource.Api"/> or <see cref="FeedbackSource.Inferred"/>.</summary>
    public string Source { get; set; } = FeedbackSource.Api;

    /// <summary>
    /// For inferred signals, the rule and the evidence it read; null for feedback sent by an application.
    /// </summary>
    public string? Inference { get; set; }

    /// <summary>
    /// When the feedback was found to belong to a stored trace; null while it is pending (its trace, or the trace
    /// carrying its request id, has not arrived yet).
    /// </summary>
    public DateTimeOffset? LinkedAt { get; set; }

    /// <summary>
    /// The sender's own id for the entry (<c>id</c>), unique per project: a retried request re-sends it, and the store
    /// keeps the first entry under that id instead of counting the user's signal twice. Null when the sender gave none.
    /// </summary>
    public string? ClientId { get; set; }
}

/// <summary>Where a feedback entry came from.</summary>
public static class FeedbackSource
{
    /// <summary>Sent by the application (or its web page) through the feedback or ingestion API.</summary>
    public const string Api = "api";

    /// <summary>Inferred by LlmObserve from the traces of a session.</summary>
    public const string Inferred = "inferred";
}
