using LlmObserve.Core.Evaluation.Engine;

namespace LlmObserve.Tests.Evaluation;

/// <summary>
/// One set of offline models for the whole test run: Lingua's preloaded language models take about ten seconds and
/// 1.4 GB to load, so every test that needs them, and every app the evaluation tests start, shares these.
/// </summary>
internal static class SharedOfflineModels
{
    private static readonly Lazy<OfflineEvaluatorCatalog> Models = new(() => new OfflineEvaluatorCatalog());

    public static OfflineEvaluatorCatalog Catalog => Models.Value;
}
