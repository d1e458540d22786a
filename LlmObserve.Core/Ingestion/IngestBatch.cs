using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion;

/// <summary>Everything one request hands to the writer; it is committed as a whole or not at all.</summary>
public sealed record IngestBatch(
    string ProjectId,
    IReadOnlyList<SpanEntity> Spans,
    IReadOnlyList<Score> Scores,
    IReadOnlyList<FeedbackEntry> Feedback)
{
    public static IngestBatch OfSpans(string projectId, IReadOnlyList<SpanEntity> spans)
        => new(projectId, spans, [], []);

    public int ItemCount => Spans.Count + Scores.Count + Feedback.Count;
}

/// <summary>What the writer did with a batch once it was committed.</summary>
/// <param name="SpansWritten">Spans inserted; a span already stored (same project, trace and span id) is not.</param>
/// <param name="SpansAlreadyStored">Spans skipped because they were stored before.</param>
/// <param name="ScoresAlreadyStored">
/// Scores skipped because the project holds one under the same client id (stored before, or earlier in the batch).
/// </param>
/// <param name="FeedbackAlreadyStored">Feedback entries skipped for the same reason.</param>
public sealed record IngestResult(
    int SpansWritten,
    int SpansAlreadyStored,
    int ScoresAlreadyStored = 0,
    int FeedbackAlreadyStored = 0);

/// <summary>
/// The durable writer. <see cref="WriteAsync"/> completes only after the batch is committed;
/// many concurrent callers share one transaction.
/// </summary>
public interface ISpanWriter
{
    /// <exception cref="IngestionSaturatedException">
    /// The queue is full; the caller should answer 503 with Retry-After.
    /// </exception>
    Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken);
}

/// <summary>The writer cannot take more work now; nothing of the batch was stored.</summary>
public sealed class IngestionSaturatedException(int retryAfterSeconds)
    : Exception($"The ingestion queue is full; retry after {retryAfterSeconds} s.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
