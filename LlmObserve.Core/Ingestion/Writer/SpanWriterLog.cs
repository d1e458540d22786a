using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// Log events of the span writer, ids 1080–1099 of the ingestion range (1000–1099). They carry counts and
/// timings only: no span content, prompt text or keys.
/// </summary>
internal static partial class SpanWriterLog
{
    [LoggerMessage(
        EventId = 1080,
        Level = LogLevel.Information,
        Message = "Span writer started: synchronous={Synchronous}, at most {MaxQueuedSpans} items queued and "
            + "{MaxSpansPerCommit} per commit")]
    public static partial void WriterStarted(
        this ILogger logger,
        string synchronous,
        int maxQueuedSpans,
        int maxSpansPerCommit);

    [LoggerMessage(
        EventId = 1081,
        Level = LogLevel.Debug,
        Message = "Committed {Batches} batches: {SpansWritten} spans written, {SpansAlreadyStored} already stored, "
            + "{Traces} traces recomputed in {ElapsedMs:F1} ms")]
    public static partial void Committed(
        this ILogger logger,
        int batches,
        int spansWritten,
        int spansAlreadyStored,
        int traces,
        double elapsedMs);

    [LoggerMessage(
        EventId = 1082,
        Level = LogLevel.Error,
        Message = "A transaction of {Batches} batches ({Items} items) failed and was rolled back; its callers were "
            + "told")]
    public static partial void CommitFailed(this ILogger logger, Exception exception, int batches, int items);

    [LoggerMessage(
        EventId = 1083,
        Level = LogLevel.Warning,
        Message = "Ingestion queue full ({QueuedItems} of {MaxQueuedSpans} queued); refusing batches with "
            + "Retry-After {RetryAfterSeconds} s")]
    public static partial void Saturated(
        this ILogger logger,
        long queuedItems,
        int maxQueuedSpans,
        int retryAfterSeconds);

    [LoggerMessage(
        EventId = 1084,
        Level = LogLevel.Information,
        Message = "Span writer stopping: refusing new batches, committing {QueuedItems} queued items")]
    public static partial void Draining(this ILogger logger, long queuedItems);

    [LoggerMessage(
        EventId = 1085,
        Level = LogLevel.Information,
        Message = "Span writer stopped after {Transactions} transactions, {SpansWritten} spans written")]
    public static partial void WriterStopped(this ILogger logger, long transactions, long spansWritten);

    [LoggerMessage(
        EventId = 1086,
        Level = LogLevel.Warning,
        Message = "Span writer did not finish committing before the host's shutdown timeout; {QueuedItems} items "
            + "still queued")]
    public static partial void DrainTimedOut(this ILogger logger, long queuedItems);

    [LoggerMessage(
        EventId = 1087,
        Level = LogLevel.Critical,
        Message = "The span writer loop ended unexpectedly; ingestion is stopped")]
    public static partial void LoopCrashed(this ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 1088,
        Level = LogLevel.Debug,
        Message = "Indexed {Traces} traces for search in {ElapsedMs:F1} ms")]
    public static partial void SearchIndexed(this ILogger logger, int traces, double elapsedMs);

    [LoggerMessage(
        EventId = 1089,
        Level = LogLevel.Error,
        Message = "Indexing traces for search failed; ingestion goes on and the pass is retried in a few seconds")]
    public static partial void SearchIndexFailed(this ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 1090,
        Level = LogLevel.Debug,
        Message = "Brought the score aggregates of {Traces} traces up to date in {ElapsedMs:F1} ms")]
    public static partial void ScoresAggregated(this ILogger logger, int traces, double elapsedMs);

    [LoggerMessage(
        EventId = 1091,
        Level = LogLevel.Error,
        Message = "Bringing score aggregates up to date failed; the traces stay listed and the pass is retried in a "
            + "few seconds")]
    public static partial void ScoreAggregationFailed(this ILogger logger, Exception exception);
}
