namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>An evaluator that needs no key and no network: it scores locally, in process.</summary>
public interface IOfflineEvaluator
{
    /// <summary>The score name this evaluator writes, e.g. "groundedness".</summary>
    string Name { get; }

    /// <summary>Changes whenever a change of rules or thresholds could change a score.</summary>
    string Version { get; }

    OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default);
}
