namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>An evaluator that needs no key and no network: it scores locally, in process.</summary>
public interface IOfflineEvaluator
{
    /// <summary>The score name this evaluator writes, e.g. "groundedness".</summary>
    string Name { get; }

    /// <summary>
    /// Changes whenever a change of rules or thresholds could change a score. A release with a new one starts a new
    /// version of every evaluator of that kind at start-up (<see cref="Evaluators.EvaluatorSeeder"/>), so scores of
    /// the old and new method are never mixed under one version.
    /// </summary>
    string Version { get; }

    OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default);
}
