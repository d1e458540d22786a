namespace LlmObserve.Web.Evaluation;

/// <summary>Log events of evaluation in the host (ids 1540–1559); never a key, a prompt or a reply.</summary>
internal static partial class EvaluationWebLog
{
    [LoggerMessage(
        EventId = 1540,
        Level = LogLevel.Error,
        Message = "The evaluation job failed; it runs again at its next interval")]
    public static partial void RunFailed(ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 1541,
        Level = LogLevel.Information,
        Message = "Evaluator {EvaluatorId} saved ({Change})")]
    public static partial void EvaluatorSaved(ILogger logger, string evaluatorId, string change);

    [LoggerMessage(
        EventId = 1542,
        Level = LogLevel.Information,
        Message = "Judge endpoint {EndpointId} ({Endpoint}) saved; a key is {KeyState}")]
    public static partial void EndpointSaved(ILogger logger, long endpointId, string endpoint, string keyState);

    [LoggerMessage(
        EventId = 1543,
        Level = LogLevel.Information,
        Message = "Backfill {BackfillId} of evaluator {EvaluatorId} requested from {From:O} to {To:O}")]
    public static partial void BackfillRequested(
        ILogger logger,
        long backfillId,
        string evaluatorId,
        DateTimeOffset from,
        DateTimeOffset to);
}
