using LlmObserve.Core.Outbound;
using LlmObserve.Core;
using LlmObserve.Core.Alerts;
using LlmObserve.Core.Live;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace LlmObserve.Web.Alerts;

internal static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// Alert rules, channels and history (services, API, pages), the metric sources rules read, the channel senders,
    /// and the job that evaluates rules and delivers notices every <c>Alerts:EvaluationIntervalSeconds</c>.
    /// </summary>
    public static IServiceCollection AddLlmObserveAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAlertChangeNotifier, AlertChangeNotifier>();

        // A metric source per family; a new family is one more IAlertMetricSource here.
        services.AddSingleton<IAlertMetricSource, TrafficMetricSource>();
        services.AddSingleton<IAlertMetricSource, QualityMetricSource>();
        services.AddSingleton<IAlertMetricSource, DriftMetricSource>();
        services.AddSingleton<AlertMetricCatalog>();

        services.AddSingleton(provider => new AlertHttpPoster(AlertHttpPoster.CreateClient(
            TimeSpan.FromSeconds(provider.GetRequiredService<LlmObserveOptions>().Alerts.DeliveryTimeoutSeconds),
            provider.GetRequiredService<OutboundPolicy>())));
        services.AddSingleton<IAlertChannelSender, WebhookAlertSender>();
        services.AddSingleton<IAlertChannelSender, SlackAlertSender>();
        services.AddSingleton<IAlertChannelSender, EmailAlertSender>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<AlertService>();
        services.AddTransient<AlertsViewModel>();

        services.AddQuartz(quartz => quartz.ScheduleJob<AlertJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Alerts;
                trigger.WithIdentity("alerts")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.EvaluationIntervalSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));

        return services;
    }
}
