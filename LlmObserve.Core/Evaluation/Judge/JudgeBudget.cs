namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// A daily spend cap for one evaluator, in tokens, in cost, or both; a day is a UTC calendar day. Null means no
/// cap of that kind. Calls already in flight when the cap is reached still finish and are counted, so a day's
/// spend can pass the cap by at most what the concurrency cap's worth of calls used.
/// </summary>
public sealed record JudgeBudget(long? MaxTokensPerDay = null, decimal? MaxCostPerDay = null)
{
    public static readonly JudgeBudget Unlimited = new();
}
