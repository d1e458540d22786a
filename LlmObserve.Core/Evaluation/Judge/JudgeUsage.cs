namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>What a judge call cost, counted from the usage the judge reported.</summary>
/// <param name="InputTokens">Prompt tokens over all attempts that got a reply.</param>
/// <param name="OutputTokens">Completion tokens over all attempts that got a reply.</param>
/// <param name="Cost">Tokens priced with the endpoint's prices.</param>
/// <param name="Reported">False when the server sent no usage, so nothing could be counted.</param>
public sealed record JudgeUsage(long InputTokens, long OutputTokens, decimal Cost, bool Reported)
{
    public static readonly JudgeUsage None = new(0, 0, 0m, Reported: false);

    public long TotalTokens => InputTokens + OutputTokens;
}
