using LlmObserve.Core;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Evaluation.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace LlmObserve.Web.Drift;

internal static class DriftServiceCollectionExtensions
{
    /// <summary>
    /// The per-trace feature engine, its Quartz job (which does nothing while <c>Drift:Features:Enabled</c> is false)
    /// and the read side for monitors. Models load on the first trace to feature, not here.
    /// </summary>
    public static IServiceCollection AddLlmObserveDriftFeatures(this IServiceCollection services)
    {
        services.TryAddSingleton<OfflineEvaluatorCatalog>();
        services.TryAddSingleton<TraceFeatureModels>();
        services.AddSingleton<TraceFeatureEngine>();
        services.AddSingleton<TraceFeatureQueries>();

        // Registered after the scheduler (AddLlmObserveJobs), so it stops first and waits for the run to let go.
        services.AddHostedService<TraceFeatureDrain>();
        services.AddQuartz(quartz => quartz.ScheduleJob<TraceFeatureJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Drift.Features;
                trigger.WithIdentity("drift-features")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.IntervalSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));
        return services;
    }
}
