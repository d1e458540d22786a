using LlmObserve.Core.Projects;
using Quartz;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Every <see cref="RetentionOptions.IntervalSeconds"/>, purges in each project the traces older than its retention.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class RetentionJob(
    RetentionPurger purger,
    IHostApplicationLifetime lifetime,
    ILogger<RetentionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            foreach (var report in await purger.PurgeAllAsync(stop.Token))
            {
                if (report.Traces > 0 || report.UnlinkedFeedback > 0)
                {
                    Purged(logger, report.ProjectId, report.Traces, report.UnlinkedFeedback, report.Cutoff);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: every batch done is committed; the next pass goes on from the oldest trace left.
        }
        catch (Exception error)
        {
            PassFailed(logger, error);
        }
    }

    [LoggerMessage(
        EventId = 1910,
        Level = LogLevel.Information,
        Message = "Retention purged {Traces} traces and {Feedback} unlinked feedback of project {ProjectId} "
            + "older than {Cutoff}")]
    private static partial void Purged(
        ILogger logger,
        string projectId,
        long traces,
        long feedback,
        DateTimeOffset cutoff);

    [LoggerMessage(EventId = 1911, Level = LogLevel.Error, Message = "A retention pass failed; retried at the next")]
    private static partial void PassFailed(ILogger logger, Exception error);
}
