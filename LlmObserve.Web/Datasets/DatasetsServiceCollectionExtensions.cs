using LlmObserve.Core.Datasets;
using LlmObserve.Core.Experiments;

namespace LlmObserve.Web.Datasets;

internal static class DatasetsServiceCollectionExtensions
{
    /// <summary>Datasets, experiments (their services and background worker) and the gate.</summary>
    public static IServiceCollection AddLlmObserveDatasets(this IServiceCollection services)
    {
        services.AddSingleton<DatasetService>();
        services.AddSingleton<ExperimentEvaluators>();
        services.AddSingleton<ExperimentService>();
        services.AddSingleton<ExperimentRunner>();
        services.AddSingleton<ExperimentSignal>();
        services.AddHostedService<ExperimentWorker>();
        return services;
    }
}
