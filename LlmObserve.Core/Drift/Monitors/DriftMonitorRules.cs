using LlmObserve.Core.Drift.Embeddings;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Statistics;

namespace LlmObserve.Core.Drift.Monitors;

/// <summary>What kind of comparison a monitor feature gets.</summary>
public enum DriftFeatureKind
{
    Numerical,
    Categorical,
    Embedding,
    Topics,
}

/// <summary>
/// The features a monitor can compare, the tests each accepts, what "auto" means for each, and the valid range of a
/// threshold per test.
/// </summary>
public static class DriftMonitorRules
{
    public const string AutoTest = "auto";

    /// <summary>The topic mix of input embeddings: topics fitted on the reference, current traces assigned.</summary>
    public const string InputTopics = "input_topics";

    /// <summary>The topic-mix comparison (<see cref="Topics.TopicShift"/>).</summary>
    public const string TopicShiftTest = "topic_shift";

    public const int DefaultMinimumSampleSize = 30;
    public const int DefaultCurrentMinutes = 24 * 60;
    public const int DefaultReferenceMinutes = 7 * 24 * 60;
    public const int DefaultIntervalMinutes = 60;
    public const int MaxWindowMinutes = 366 * 24 * 60;
    public const int MaxIntervalMinutes = 31 * 24 * 60;
    public const int MaxNameLength = 100;
    public const int MinTopics = 2;
    public const int MaxTopics = 20;

    /// <summary>
    /// What "auto" runs on an embedding feature: the domain classifier's ROC AUC (Evidently's default embedding
    /// method, threshold 0.55).
    /// </summary>
    public const string DefaultEmbeddingTest = EmbeddingDrift.DomainClassifierName;

    public static readonly IReadOnlyList<string> EmbeddingTests =
    [
        EmbeddingDrift.DomainClassifierName,
        EmbeddingDrift.MmdName,
        EmbeddingDrift.CentroidEuclideanName,
        EmbeddingDrift.CentroidCosineName,
    ];

    /// <summary>Every feature name a monitor accepts.</summary>
    public static IReadOnlyList<string> Features { get; } =
        [.. TraceFeatureNames.Numeric, .. TraceFeatureNames.Categorical, .. TraceFeatureNames.Embedding, InputTopics];

    public static DriftFeatureKind? KindOf(string feature)
    {
        if (TraceFeatureNames.Numeric.Contains(feature))
        {
            return DriftFeatureKind.Numerical;
        }

        if (TraceFeatureNames.Categorical.Contains(feature))
        {
            return DriftFeatureKind.Categorical;
        }

        if (TraceFeatureNames.Embedding.Contains(feature))
        {
            return DriftFeatureKind.Embedding;
        }

        return feature == InputTopics ? DriftFeatureKind.Topics : null;
    }

    /// <summary>The tests a feature kind accepts besides "auto".</summary>
    public static IReadOnlyList<string> TestsFor(DriftFeatureKind kind) => kind switch
    {
        DriftFeatureKind.Numerical => [.. StatTestCatalog.All.Where(t => t.Accepts(FeatureKind.Numerical))
            .Select(t => t.Name)],
        DriftFeatureKind.Categorical => [.. StatTestCatalog.All.Where(t => t.Accepts(FeatureKind.Categorical))
            .Select(t => t.Name)],
        DriftFeatureKind.Embedding => EmbeddingTests,
        _ => [TopicShiftTest],
    };

    /// <summary>The range a threshold of this test must lie in, each end open or closed.</summary>
    public static (double Low, bool LowIncluded, double High, bool HighIncluded) ThresholdRange(string test)
    {
        switch (test)
        {
            case EmbeddingDrift.DomainClassifierName:
                return (0.5, false, 1, true);
            case EmbeddingDrift.MmdName:
            case TopicShiftTest:
                return (0, false, 1, false);
            case EmbeddingDrift.CentroidCosineName:
                return (0, false, 2, true);
            case EmbeddingDrift.CentroidEuclideanName:
                return (0, false, double.PositiveInfinity, false);
        }

        var info = StatTestCatalog.Get(test);
        if (info.ScoreKind == DriftScoreKind.PValue)
        {
            return (0, false, 1, false);
        }

        return test is StatTestCatalog.JensenShannon or StatTestCatalog.Hellinger
            ? (0, false, 1, true)
            : (0, false, double.PositiveInfinity, false);
    }

    /// <summary>The same name as the catalogue spells it, or null when the kind has no such test.</summary>
    public static string? Canonical(DriftFeatureKind kind, string test)
        => TestsFor(kind).FirstOrDefault(t => string.Equals(t, test, StringComparison.OrdinalIgnoreCase));
}
