using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>An enabled evaluator as one pass of the engine runs it: its current version and what it needs.</summary>
/// <param name="Evaluator">The evaluator as loaded at the start of the pass.</param>
/// <param name="Version">Its current version.</param>
/// <param name="Filter">The traces it looks at.</param>
/// <param name="Judge">The judge, for a judge evaluator that can run.</param>
/// <param name="ConfigurationError">Why it cannot run at all, if so.</param>
/// <param name="BudgetReason">Why its judge budget stops calls today, if so.</param>
internal sealed record EvaluationPlan(
    Evaluator Evaluator,
    EvaluatorVersion Version,
    TraceFilter Filter,
    JudgeEvaluator? Judge,
    string? ConfigurationError,
    string? BudgetReason)
{
    public bool IsJudge => Evaluator.Kind == EvaluatorKinds.Judge;

    /// <summary>Whether its evaluations may be taken up now.</summary>
    public bool CanRun(DateTimeOffset now)
        => ConfigurationError is null
            && BudgetReason is null
            && (Evaluator.RateLimitedUntil is not { } until || until <= now);
}

/// <summary>How one evaluation ended, before it is stored.</summary>
internal abstract record RunOutcome(JudgeUsage Usage)
{
    /// <summary>A score to store.</summary>
    public sealed record Scored(string? SpanId, double Value, string? Label, string Explanation, JudgeUsage Cost)
        : RunOutcome(Cost);

    /// <summary>The trace lacks what the evaluator needs.</summary>
    public sealed record Skipped(string? SpanId, string Reason, JudgeUsage Cost) : RunOutcome(Cost);

    /// <summary>The judge's reply held no score.</summary>
    public sealed record Unparseable(string? SpanId, string Reason, string RawReply, JudgeUsage Cost)
        : RunOutcome(Cost);

    /// <summary>The daily budget stopped the call; the evaluation waits for the next UTC day.</summary>
    public sealed record BudgetReached(string Reason) : RunOutcome(JudgeUsage.None);

    /// <summary>
    /// The attempt failed in a way another attempt may cure (rate limit, timeout, an endpoint error); a rate limit
    /// may say how long the endpoint asked to wait.
    /// </summary>
    public sealed record Failed(string Reason, bool RateLimited, JudgeUsage Cost, TimeSpan? ServerWait = null)
        : RunOutcome(Cost);
}
