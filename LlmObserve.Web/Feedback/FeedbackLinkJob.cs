using LlmObserve.Core.Feedback;
using Quartz;

namespace LlmObserve.Web.Feedback;

/// <summary>
/// Links pending feedback to the traces that arrived since, every <c>Feedback:LinkIntervalSeconds</c>.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class FeedbackLinkJob(
    FeedbackLinker linker,
    IHostApplicationLifetime lifetime,
    ILogger<FeedbackLinkJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            var linked = await linker.LinkPendingAsync(stop.Token);
            if (linked > 0)
            {
                FeedbackWebLog.Linked(logger, linked);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: pending feedback stays pending in the store and the next start links it.
        }
        catch (Exception error)
        {
            // The store was busy or unavailable: the next pass tries again, nothing is lost.
            FeedbackWebLog.LinkFailed(logger, error);
        }
    }
}

internal static partial class FeedbackWebLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Debug, Message = "Linked {Count} pending feedback entries")]
    public static partial void Linked(ILogger logger, int count);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Linking pending feedback failed")]
    public static partial void LinkFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Debug, Message = "Inferred {Count} implicit signals from sessions")]
    public static partial void Inferred(ILogger logger, int count);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Inferring implicit signals failed")]
    public static partial void InferenceFailed(ILogger logger, Exception error);
}
