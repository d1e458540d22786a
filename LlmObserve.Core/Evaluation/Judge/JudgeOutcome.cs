namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>How a judge evaluation ended. Only <see cref="Scored"/> carries a score.</summary>
public enum JudgeOutcome
{
    /// <summary>The judge replied and the reply gave a label and a score.</summary>
    Scored,

    /// <summary>The trace lacks what the template needs; the judge was not asked.</summary>
    Skipped,

    /// <summary>The judge replied but no label or score could be read; the raw reply is kept.</summary>
    Unparseable,

    /// <summary>The evaluator's daily token or cost cap was reached; the judge was not asked.</summary>
    BudgetReached,

    /// <summary>The endpoint kept answering 429 until the attempts ran out, or asked for too long a wait.</summary>
    RateLimited,

    /// <summary>Every attempt ran past the per-call timeout.</summary>
    TimedOut,

    /// <summary>The endpoint refused the call for a reason retrying does not cure (401, 404, unreachable).</summary>
    Failed,
}
