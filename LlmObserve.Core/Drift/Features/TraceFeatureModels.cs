using LlmObserve.Core.Evaluation.Engine;

namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// The feature extractor of the process, built on first use: it shares MiniLM with the offline evaluators and loads
/// its own Lingua detector in <see cref="TraceFeatureOptions.LanguageAccuracy"/>, so an app with the job off pays
/// nothing.
/// </summary>
public sealed class TraceFeatureModels(OfflineEvaluatorCatalog catalog, LlmObserveOptions options)
{
    private readonly Lazy<TraceFeatureExtractor> _extractor = new(() => new TraceFeatureExtractor(
        catalog.Embedder,
        new LanguageIdentifier(options.Drift.Features.LanguageAccuracy)));

    public bool IsLoaded => _extractor.IsValueCreated;

    public TraceFeatureExtractor Extractor => _extractor.Value;
}
