using LlmObserve.Core;
using LlmObserve.Core.Alerts;
using Quartz;

namespace LlmObserve.Web.Alerts;

/// <summary>
/// Evaluates every enabled rule, then sends the notices that are due (new ones and retries), every
/// <c>Alerts:EvaluationIntervalSeconds</c>. One run at a time; rule states and deliveries live in the store, so a
/// restart carries on where the last run stopped.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class AlertJob(
    AlertEvaluator evaluator,
    AlertDispatcher dispatcher,
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<AlertJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Alerts.Enabled)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            var events = await evaluator.EvaluateAllAsync(
                stop.Token,
                (ruleId, error) => AlertWebLog.RuleFailed(logger, ruleId, error));
            var sent = await dispatcher.DeliverDueAsync(stop.Token);
            if (events > 0 || sent > 0)
            {
                AlertWebLog.Ran(logger, events, sent);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: states and pending deliveries are in the store; the next start carries on.
        }
        catch (Exception error)
        {
            // The store was busy or a source failed: the next run evaluates again, nothing is lost.
            AlertWebLog.RunFailed(logger, error);
        }
    }
}

internal static partial class AlertWebLog
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Information,
        Message = "Alert run: {Events} events recorded, {Deliveries} deliveries attempted")]
    public static partial void Ran(ILogger logger, int events, int deliveries);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Evaluating alert rules failed")]
    public static partial void RunFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Evaluating alert rule {RuleId} failed")]
    public static partial void RuleFailed(ILogger logger, long ruleId, Exception error);
}
