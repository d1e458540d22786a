using LlmObserve.Core;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Live;
using LlmObserve.Core.Scores;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace LlmObserve.Web.Evaluation;

internal static class EvaluationServiceCollectionExtensions
{
    /// <summary>
    /// The evaluation engine and its Quartz job, evaluators and judge endpoints (services, API, pages), the key
    /// protector and the API's score writer. The offline models load on first use, not here.
    /// </summary>
    public static IServiceCollection AddLlmObserveEvaluation(this IServiceCollection services)
    {
        services.TryAddSingleton<OfflineEvaluatorCatalog>();
        services.TryAddSingleton<IScoreChangeNotifier, ScoreChangeNotifier>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<JudgeEndpointLimiter>();
        services.AddSingleton<JudgeSpendLedger>();
        services.AddSingleton<JudgeConnectionTester>();
        services.AddSingleton<JudgeEvaluatorFactory>();
        services.AddSingleton<EvaluationEngine>();
        services.AddSingleton<EvaluatorSeeder>();
        services.AddSingleton<EvaluatorService>();
        services.AddSingleton<JudgeEndpointService>();
        services.AddSingleton<ScoreService>();
        services.AddTransient<EvaluationsViewModel>();
        services.AddTransient<JudgeEndpointsViewModel>();

        // Registered after the scheduler (AddLlmObserveJobs), so it stops first and waits for the run to let go.
        services.AddHostedService<EvaluationDrain>();

        services.AddQuartz(quartz => quartz.ScheduleJob<EvaluationJob>(
            (provider, trigger) =>
            {
                var settings = provider.GetRequiredService<LlmObserveOptions>().Evaluation;
                trigger.WithIdentity("evaluation")
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(TimeSpan.FromSeconds(settings.IntervalSeconds))
                        .RepeatForever());
            },
            (_, _) => { }));

        return services;
    }

    /// <summary>
    /// Creates the default offline evaluators at first start, once the projects exist, and starts a new version of
    /// any offline evaluator whose method this release changed.
    /// </summary>
    public static WebApplication UseLlmObserveEvaluation(this WebApplication app)
    {
        var seeder = app.Services.GetRequiredService<EvaluatorSeeder>();
        seeder.EnsureDefaultsAsync(CancellationToken.None).GetAwaiter().GetResult();
        seeder.StartNewMethodVersionsAsync(CancellationToken.None).GetAwaiter().GetResult();

        return app;
    }
}
