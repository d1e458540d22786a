using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// Log events of the evaluation engine, ids 1520–1539. They name evaluators and traces by id and say what happened;
/// never a key, a prompt, a reply or the trace's text.
/// </summary>
internal static partial class EvaluationLog
{
    [LoggerMessage(
        EventId = 1520,
        Level = LogLevel.Information,
        Message = "Created {Count} default offline evaluators for project {ProjectId}")]
    public static partial void DefaultsCreated(this ILogger logger, int count, string projectId);

    [LoggerMessage(
        EventId = 1521,
        Level = LogLevel.Debug,
        Message = "Evaluation pass: {Claimed} traces claimed, {Taken} evaluations taken up, {Scored} scored, "
            + "{Skipped} skipped, {Retried} to retry, {Failed} failed in {ElapsedMs:F0} ms")]
    public static partial void PassDone(
        this ILogger logger,
        int claimed,
        int taken,
        int scored,
        int skipped,
        int retried,
        int failed,
        double elapsedMs);

    [LoggerMessage(
        EventId = 1522,
        Level = LogLevel.Error,
        Message = "Evaluator {EvaluatorId} failed unexpectedly on trace {TraceId}; the evaluation will be retried")]
    public static partial void Unexpected(this ILogger logger, Exception exception, string evaluatorId, string traceId);

    [LoggerMessage(
        EventId = 1523,
        Level = LogLevel.Warning,
        Message = "Evaluator {EvaluatorId} cannot run: {Reason}")]
    public static partial void Misconfigured(this ILogger logger, string evaluatorId, string reason);

    [LoggerMessage(
        EventId = 1524,
        Level = LogLevel.Information,
        Message = "Stopping: {Count} evaluations in progress were handed back to be taken up again")]
    public static partial void Released(this ILogger logger, int count);

    [LoggerMessage(
        EventId = 1525,
        Level = LogLevel.Warning,
        Message = "Evaluator {EvaluatorId} gave up on trace {TraceId} after {Attempts} attempts: {Outcome}")]
    public static partial void GaveUp(
        this ILogger logger,
        string evaluatorId,
        string traceId,
        int attempts,
        string outcome);

    [LoggerMessage(
        EventId = 1526,
        Level = LogLevel.Information,
        Message = "Loaded the offline evaluator {Kind} in {ElapsedMs:F0} ms")]
    public static partial void OfflineLoaded(this ILogger logger, string kind, double elapsedMs);

    [LoggerMessage(
        EventId = 1527,
        Level = LogLevel.Information,
        Message = "Backfill {BackfillId} of evaluator {EvaluatorId} finished: {Claimed} traces claimed")]
    public static partial void BackfillDone(this ILogger logger, long backfillId, string evaluatorId, int claimed);

    [LoggerMessage(
        EventId = 1528,
        Level = LogLevel.Information,
        Message = "Evaluator {EvaluatorId} is rate limited by its judge until {Until:O}")]
    public static partial void RateLimited(this ILogger logger, string evaluatorId, DateTimeOffset until);

    [LoggerMessage(
        EventId = 1529,
        Level = LogLevel.Information,
        Message = "Offline evaluator {Name} starts version {Version}: method {OldMethod} replaced by {NewMethod}")]
    public static partial void NewMethodVersion(
        this ILogger logger,
        string name,
        int version,
        string oldMethod,
        string newMethod);
}
