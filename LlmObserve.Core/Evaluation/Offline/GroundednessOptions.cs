namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// The few numbers behind <see cref="GroundednessEvaluator"/>. None was searched for on HaluEval QA: each is a
/// rule of thumb stated below, and the bench reports how a threshold fitted on held-out folds compares with
/// <see cref="Threshold"/>. A claim's support is <see cref="AbsentWordFactor"/> raised to the number of its
/// new words the context lacks (or <see cref="RestatementSupport"/> when it adds no word to the question),
/// times its topicality from the embeddings; the answer's score is the mean support of its claims.
/// </summary>
public sealed record GroundednessOptions
{
    /// <summary>
    /// Cosine similarity (MiniLM) to the closest context sentence at or below which a claim is off the
    /// context's topic and gets no support. 0.1 is where unrelated sentences land for this model, the same
    /// floor <see cref="AnswerRelevanceEvaluator"/> uses.
    /// </summary>
    public double CosineFloor { get; init; } = 0.1;

    /// <summary>
    /// Cosine similarity at or above which a claim is fully on topic; between the floor and this, its support
    /// shrinks linearly. Kept low on purpose: similarity says a claim is about the context, not that the
    /// context states it, so it can only take support away, never add it.
    /// </summary>
    public double CosineCeiling { get; init; } = 0.3;

    /// <summary>
    /// Factor applied to a claim's support for each new content word (one not in the question) that the
    /// context lacks, names and numbers included. At 0.5 a single unknown word makes the claim unsupported,
    /// two make it a quarter supported.
    /// </summary>
    public double AbsentWordFactor { get; init; } = 0.5;

    /// <summary>
    /// Support of a claim whose content words all come from the question ("Yes", or one of the options the
    /// question offered). It states nothing the context is shown to hold, so it stays below a claim whose new
    /// words were all found, but above <see cref="Threshold"/>: nothing in it is unsupported either.
    /// </summary>
    public double RestatementSupport { get; init; } = 0.9;

    /// <summary>Claims with fewer words than this are embedded together with the question.</summary>
    public int ShortClaimWords { get; init; } = 6;

    /// <summary>
    /// An answer scoring below this is labelled hallucinated. 0.75 sits halfway between a claim with one
    /// unknown word (0.5) and a fully supported one (1): a one-sentence answer with any unknown word is
    /// hallucinated; a two-sentence answer is when both sentences have one, not when only one of them does.
    /// </summary>
    public double Threshold { get; init; } = 0.75;

    /// <summary>A claim with at least this support is supported; below <see cref="UnsupportedBelow"/>, not.</summary>
    public double SupportedAtLeast { get; init; } = 0.75;

    /// <summary>Below this a claim is unsupported: one unknown word (0.5) is enough.</summary>
    public double UnsupportedBelow { get; init; } = 0.6;
}
