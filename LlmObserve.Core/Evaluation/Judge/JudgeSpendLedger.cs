namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// What each evaluator's judge calls spent per UTC day, counted from the usage the judge reported. Kept in
/// memory; the evaluation engine also stores each call's spend and <see cref="Restore"/>s the day's total from the
/// store, so a restart does not reopen a cap that was reached.
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

    /// <summary>
    /// Raises the day's spend to what the store says was spent (by this process before a restart, or by another
    /// instance); never lowers it, since calls of this process may not be stored yet.
    /// </summary>
    public void Restore(string evaluator, DateOnly day, long tokens, decimal cost)
    {
        lock (_gate)
        {
            var (spentTokens, spentCost) = _spent.GetValueOrDefault((evaluator, day));
            _spent[(evaluator, day)] = (Math.Max(spentTokens, tokens), Math.Max(spentCost, cost));
        }
    }

    /// <summary>Why the budget stops calls today, or null while there is room.</summary>
    public string? Exhausted(string evaluator, DateOnly day, JudgeBudget budget)
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
