using LlmObserve.Core;
using LlmObserve.Core.Feedback;
using Quartz;

namespace LlmObserve.Web.Feedback;

internal static class FeedbackServiceCollectionExtensions
{
    /// <summary>The feedback service, and the job that links pending feedback to late traces.</summary>
    public static IServiceCollection AddLlmObserveFeedback(this IServiceCollection services)
    {
        services.AddSingleton<FeedbackService>();
        services.AddSingleton<FeedbackLinker>();
        services.AddQuartz(quartz => quartz.ScheduleJob<FeedbackLinkJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Feedback;
                trigger.WithIdentity("feedback-link")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.LinkIntervalSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));

        return services;
    }
}
