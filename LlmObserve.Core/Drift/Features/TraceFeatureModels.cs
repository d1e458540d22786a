using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// The feature extractor of the process, built on first use, so an app with the job off pays nothing. It shares
/// MiniLM with the offline evaluators, and in high accuracy (the default) the language evaluator's Lingua models too;
/// in low accuracy it loads its own small ones.
/// </summary>
public sealed class TraceFeatureModels(OfflineEvaluatorCatalog catalog, LlmObserveOptions options)
{
    private readonly Lazy<TraceFeatureExtractor> _extractor = new(() => new TraceFeatureExtractor(
        catalog.Embedder,
        options.Drift.Features.LanguageAccuracy == LanguageAccuracy.High
            ? catalog.Languages
            : new LanguageIdentifier(LanguageAccuracy.Low)));

    public bool IsLoaded => _extractor.IsValueCreated;

    public TraceFeatureExtractor Extractor => _extractor.Value;
}
