using LlmObserve.Core;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Live;
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

    /// <summary>
    /// Drift monitors: their service and results, the runner, the Quartz job that runs due monitors, and the
    /// Drift page's view model.
    /// </summary>
    public static IServiceCollection AddLlmObserveDriftMonitors(this IServiceCollection services)
    {
        services.TryAddSingleton<IDriftChangeNotifier, DriftChangeNotifier>();
        services.AddSingleton<DriftMonitorService>();
        services.AddSingleton<DriftResultQueries>();
        services.AddSingleton<DriftMonitorRunner>();
        services.AddTransient<DriftViewModel>();
        services.AddQuartz(quartz => quartz.ScheduleJob<DriftMonitorJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Drift.Monitors;
                trigger.WithIdentity("drift-monitors")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.PollSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));
        return services;
    }
}
