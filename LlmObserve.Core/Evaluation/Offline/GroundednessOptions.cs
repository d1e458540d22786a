namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>Weights and thresholds of <see cref="GroundednessEvaluator"/>; defaults tuned on HaluEval QA.</summary>
public sealed record GroundednessOptions
{
    /// <summary>Cosine similarity at or below which a context chunk gives a claim no support.</summary>
    public double CosineFloor { get; init; } = 0.2;

    /// <summary>Cosine similarity at or above which a context chunk fully supports a claim.</summary>
    public double CosineCeiling { get; init; } = 0.7;

    /// <summary>Share of a claim's support that comes from embeddings; the rest is word overlap.</summary>
    public double EmbeddingWeight { get; init; } = 0.5;

    /// <summary>Factor applied to a claim's support for each number or name absent from the context.</summary>
    public double AbsentEntityFactor { get; init; } = 0.5;

    /// <summary>Claims with fewer words than this are embedded together with the question.</summary>
    public int ShortClaimWords { get; init; } = 6;

    /// <summary>An answer scoring below this is labelled hallucinated.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>A claim with at least this support is supported; below <see cref="UnsupportedBelow"/>, not.</summary>
    public double SupportedAtLeast { get; init; } = 0.6;

    public double UnsupportedBelow { get; init; } = 0.4;
}
