using LlmObserve.Core;
using LlmObserve.Core.Projects;
using Quartz;

namespace LlmObserve.Web.Projects;

internal static class ProjectLifecycleServiceCollectionExtensions
{
    /// <summary>
    /// Creating, renaming and deleting projects, their retention, and the two Quartz jobs that purge: the retention
    /// pass every <c>Retention:IntervalSeconds</c>, and the purge of deleted projects (fired after each deletion, and
    /// every <c>Retention:DeletedProjectPollSeconds</c> to finish one cut short).
    /// </summary>
    public static IServiceCollection AddLlmObserveProjectLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<ProjectService>();
        services.AddSingleton<ProjectPurger>();
        services.AddSingleton<RetentionPurger>();
        services.AddSingleton<IProjectPurgeScheduler, ProjectPurgeScheduler>();

        services.AddQuartz(quartz =>
        {
            quartz.ScheduleJob<RetentionJob>(
                (provider, trigger) =>
                {
                    var settings = provider.GetRequiredService<LlmObserveOptions>().Retention;
                    trigger.WithIdentity("retention")
                        .StartNow()
                        .WithSimpleSchedule(schedule => schedule
                            .WithInterval(TimeSpan.FromSeconds(settings.IntervalSeconds))
                            .RepeatForever());
                },
                (_, _) => { });
            quartz.ScheduleJob<ProjectPurgeJob>(
                (provider, trigger) =>
                {
                    var settings = provider.GetRequiredService<LlmObserveOptions>().Retention;
                    trigger.WithIdentity("project-purge-poll")
                        .StartNow()
                        .WithSimpleSchedule(schedule => schedule
                            .WithInterval(TimeSpan.FromSeconds(settings.DeletedProjectPollSeconds))
                            .RepeatForever());
                },
                (_, job) => job.WithIdentity(ProjectPurgeJob.Key).StoreDurably());
        });

        return services;
    }
}
