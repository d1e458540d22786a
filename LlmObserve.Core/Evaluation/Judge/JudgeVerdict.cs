namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>A label, a score on [0, 1] and an explanation read from a judge's reply.</summary>
public sealed record JudgeVerdict(string? Label, double Score, string Explanation);

/// <summary>The verdict read from a reply, or why none could be read.</summary>
public sealed record JudgeReplyParse(JudgeVerdict? Verdict, string? Failure)
{
    public bool IsParsed => Verdict is not null;
}
