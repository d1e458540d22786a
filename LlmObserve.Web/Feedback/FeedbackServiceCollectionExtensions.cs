using LlmObserve.Core;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Projects;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Quartz;

namespace LlmObserve.Web.Feedback;

internal static class FeedbackServiceCollectionExtensions
{
    /// <summary>The feedback service, and the job that links pending feedback to late traces.</summary>
    public static IServiceCollection AddLlmObserveFeedback(this IServiceCollection services)
    {
        services.AddSingleton<FeedbackService>();
        services.AddSingleton<BrowserAccessService>();
        services.AddSingleton<FeedbackRateQueries>();
        services.AddScoped<BrowserAccessViewModel>();
        services.AddSingleton<FeedbackKeyEndpointFilter>();
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, FeedbackCorsPolicyProvider>();
        services.AddSingleton<FeedbackLinker>();
        services.AddSingleton<SessionSignalInference>();
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
        services.AddQuartz(quartz => quartz.ScheduleJob<FeedbackInferenceJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Feedback;
                trigger.WithIdentity("feedback-inference")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.InferenceIntervalSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));

        return services;
    }

    /// <summary>CORS for the browser-safe feedback endpoint; after routing, before the endpoints run.</summary>
    public static WebApplication UseLlmObserveFeedback(this WebApplication app)
    {
        app.UseCors();
        return app;
    }
}
