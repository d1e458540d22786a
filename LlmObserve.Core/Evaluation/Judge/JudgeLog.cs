using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Log events of the LLM judge, ids 1500–1519. They name the endpoint without user info or query, the model,
/// statuses and waits: never the key, the prompt or the reply.
/// </summary>
internal static partial class JudgeLog
{
    [LoggerMessage(
        EventId = 1500,
        Level = LogLevel.Information,
        Message = "Judge call to {Endpoint} ({Model}) retrying after status {Status}: attempt {Attempt} of "
            + "{MaxAttempts} in {DelayMs:F0} ms (server asked: {ServerAsked})")]
    public static partial void Retrying(
        this ILogger logger,
        string endpoint,
        string model,
        string status,
        int attempt,
        int maxAttempts,
        double delayMs,
        bool serverAsked);

    [LoggerMessage(
        EventId = 1501,
        Level = LogLevel.Warning,
        Message = "Judge call to {Endpoint} ({Model}) gave up as {Outcome} after {Attempts} attempts")]
    public static partial void GaveUp(this ILogger logger, string endpoint, string model, string outcome, int attempts);

    [LoggerMessage(
        EventId = 1502,
        Level = LogLevel.Warning,
        Message = "Judge call to {Endpoint} ({Model}) failed with status {Status}; not retried")]
    public static partial void Failed(this ILogger logger, string endpoint, string model, int status);

    [LoggerMessage(
        EventId = 1503,
        Level = LogLevel.Warning,
        Message = "Judge endpoint {Endpoint} ({Model}) could not be reached: {ErrorType}")]
    public static partial void Unreachable(this ILogger logger, string endpoint, string model, string errorType);

    [LoggerMessage(
        EventId = 1504,
        Level = LogLevel.Information,
        Message = "Evaluator {Evaluator} reached its daily judge budget; calls stop until the next UTC day")]
    public static partial void BudgetReached(this ILogger logger, string evaluator);

    [LoggerMessage(
        EventId = 1505,
        Level = LogLevel.Warning,
        Message = "Evaluator {Evaluator} could not parse the judge's reply ({ReplyLength} characters): {Reason}")]
    public static partial void Unparseable(this ILogger logger, string evaluator, int replyLength, string reason);

    [LoggerMessage(
        EventId = 1506,
        Level = LogLevel.Debug,
        Message = "Evaluator {Evaluator} scored {Score:F3} ({Label}) with {Tokens} judge tokens in {Attempts} "
            + "attempts")]
    public static partial void Scored(
        this ILogger logger,
        string evaluator,
        double score,
        string? label,
        long tokens,
        int attempts);
}
