namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>The offline evaluators that run by default, sharing one embedding model.</summary>
public sealed class OfflineEvaluatorSuite
{
    private OfflineEvaluatorSuite(IReadOnlyList<IOfflineEvaluator> evaluators)
    {
        Evaluators = evaluators;
    }

    public IReadOnlyList<IOfflineEvaluator> Evaluators { get; }

    public static OfflineEvaluatorSuite Create(SentenceEmbedder embedder) =>
        new([
            new GroundednessEvaluator(embedder),
            new AnswerRelevanceEvaluator(embedder),
            new RefusalEvaluator(),
            new PiiEvaluator(),
            new LanguageEvaluator(),
        ]);

    /// <summary>Every evaluator's result for one trace, in <see cref="Evaluators"/> order.</summary>
    public IReadOnlyList<OfflineEvaluationResult> EvaluateAll(
        OfflineEvaluationInput input,
        CancellationToken cancellationToken = default) =>
        Evaluators.Select(evaluator => evaluator.Evaluate(input, cancellationToken)).ToArray();
}
