namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// What each evaluator's judge calls spent per UTC day, counted from the usage the judge reported. Kept in
/// memory: a restart forgets the day's spend, which lets a restarted process spend up to another day's cap.
/// </summary>
public sealed class JudgeSpendLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Evaluator, DateOnly Day), (long Tokens, decimal Cost)> _spent = [];

    public (long Tokens, decimal Cost) SpentOn(string evaluator, DateOnly day)
    {
        lock (_gate)
        {
            return _spent.GetValueOrDefault((evaluator, day));
        }
    }

    public void Add(string evaluator, DateOnly day, JudgeUsage usage)
    {
        lock (_gate)
        {
            var (tokens, cost) = _spent.GetValueOrDefault((evaluator, day));
            _spent[(evaluator, day)] = (tokens + usage.TotalTokens, cost + usage.Cost);
        }
    }

    /// <summary>Why the budget stops calls today, or null while there is room.</summary>
    internal string? Exhausted(string evaluator, DateOnly day, JudgeBudget budget)
    {
        var (tokens, cost) = SpentOn(evaluator, day);
        if (budget.MaxTokensPerDay is { } maxTokens && tokens >= maxTokens)
        {
            return $"Budget reached: {tokens} of {maxTokens} judge tokens spent on {day:yyyy-MM-dd} (UTC).";
        }

        if (budget.MaxCostPerDay is { } maxCost && cost >= maxCost)
        {
            return $"Budget reached: a cost of {cost:0.######} of {maxCost:0.######} spent on {day:yyyy-MM-dd} (UTC).";
        }

        return null;
    }
}
