using LlmObserve.Core.Projects;
using Quartz;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Purges deleted projects whose grace period is over. Fired once for each deletion, a grace period after it
/// (<see cref="ProjectPurgeScheduler"/>), and every <see cref="RetentionOptions.DeletedProjectPollSeconds"/> so a
/// purge cut short by a restart or an error is finished.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class ProjectPurgeJob(
    ProjectPurger purger,
    IHostApplicationLifetime lifetime,
    ILogger<ProjectPurgeJob> logger) : IJob
{
    public static readonly JobKey Key = new("project-purge");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            foreach (var projectId in await purger.DueAsync(stop.Token))
            {
                var report = await purger.PurgeAsync(projectId, stop.Token);
                Purged(logger, projectId, report.TotalRows);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the project stays marked deleted and the next run carries on where this one stopped.
        }
        catch (Exception error)
        {
            PurgeFailed(logger, error);
        }
    }

    [LoggerMessage(
        EventId = 1900,
        Level = LogLevel.Information,
        Message = "Purged deleted project {ProjectId}: {Rows} rows")]
    private static partial void Purged(ILogger logger, string projectId, long rows);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Error, Message = "Purging deleted projects failed; retried later")]
    private static partial void PurgeFailed(ILogger logger, Exception error);
}

/// <summary>Fires <see cref="ProjectPurgeJob"/> once, the grace period after a project was deleted.</summary>
internal sealed class ProjectPurgeScheduler(
    ISchedulerFactory schedulerFactory,
    Core.LlmObserveOptions options,
    TimeProvider timeProvider) : IProjectPurgeScheduler
{
    public async Task SchedulePurgeAsync(string projectId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var at = timeProvider.GetUtcNow().AddSeconds(options.Retention.DeletedProjectGraceSeconds + 0.5);
        var trigger = TriggerBuilder.Create()
            .ForJob(ProjectPurgeJob.Key)
            .WithIdentity("project-purge-" + projectId + "-" + Guid.NewGuid().ToString("N")[..8])
            .StartAt(at)
            .Build();
        await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
    }
}
