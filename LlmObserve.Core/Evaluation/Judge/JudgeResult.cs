namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// The verdict of one judge evaluation, shaped like the offline evaluators' result: a score in [0, 1] with a
/// label and an explanation, or an outcome that says why there is no score. Never a score without a reply that
/// gave one.
/// </summary>
public sealed record JudgeResult
{
    private JudgeResult(
        string evaluator,
        JudgeOutcome outcome,
        double? score,
        string? label,
        string explanation,
        string? rawReply,
        JudgeUsage usage,
        int attempts,
        TimeSpan? serverWait = null)
    {
        Evaluator = evaluator;
        Outcome = outcome;
        Score = score;
        Label = label;
        Explanation = explanation;
        RawReply = rawReply;
        Usage = usage;
        Attempts = attempts;
        ServerWait = serverWait;
    }

    /// <summary>The evaluator's name, as the score will be named.</summary>
    public string Evaluator { get; }

    public JudgeOutcome Outcome { get; }

    /// <summary>Between 0 and 1; null unless <see cref="Outcome"/> is <see cref="JudgeOutcome.Scored"/>.</summary>
    public double? Score { get; }

    /// <summary>The judge's label snapped to the template's labels; null unless scored.</summary>
    public string? Label { get; }

    /// <summary>The judge's explanation when scored; otherwise why there is no score.</summary>
    public string Explanation { get; }

    /// <summary>The judge's reply as received, kept for scored and unparseable outcomes.</summary>
    public string? RawReply { get; }

    /// <summary>Tokens and cost this evaluation spent.</summary>
    public JudgeUsage Usage { get; }

    /// <summary>HTTP attempts made; 0 when the judge was not asked.</summary>
    public int Attempts { get; }

    /// <summary>
    /// For <see cref="JudgeOutcome.RateLimited"/>: how long the endpoint last asked to be left alone, if it said.
    /// </summary>
    public TimeSpan? ServerWait { get; }

    /// <summary>True for every outcome but <see cref="JudgeOutcome.Scored"/>.</summary>
    public bool IsSkipped => Outcome != JudgeOutcome.Scored;

    internal static JudgeResult Scored(
        string evaluator,
        JudgeVerdict verdict,
        string rawReply,
        JudgeUsage usage,
        int attempts) =>
        new(
            evaluator,
            JudgeOutcome.Scored,
            verdict.Score,
            verdict.Label,
            verdict.Explanation,
            rawReply,
            usage,
            attempts);

    internal static JudgeResult Unparseable(
        string evaluator,
        string reason,
        string rawReply,
        JudgeUsage usage,
        int attempts) =>
        new(evaluator, JudgeOutcome.Unparseable, null, null, reason, rawReply, usage, attempts);

    internal static JudgeResult NotScored(
        string evaluator,
        JudgeOutcome outcome,
        string reason,
        JudgeUsage usage,
        int attempts,
        TimeSpan? serverWait = null)
    {
        if (outcome is JudgeOutcome.Scored or JudgeOutcome.Unparseable)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Use Scored or Unparseable.");
        }

        return new JudgeResult(evaluator, outcome, null, null, reason, null, usage, attempts, serverWait);
    }
}
