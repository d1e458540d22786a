namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// The verdict of one offline evaluator: a score in [0, 1] with a label and an explanation, or a skip with
/// its reason when the trace lacks what the evaluator needs. A skipped result never carries a score.
/// </summary>
public sealed record OfflineEvaluationResult
{
    private OfflineEvaluationResult(string evaluator, double? score, string? label, string explanation, bool skipped)
    {
        Evaluator = evaluator;
        Score = score;
        Label = label;
        Explanation = explanation;
        IsSkipped = skipped;
    }

    /// <summary>The evaluator's name, as the score will be named.</summary>
    public string Evaluator { get; }

    /// <summary>Between 0 and 1; null when skipped.</summary>
    public double? Score { get; }

    /// <summary>A categorical verdict such as "grounded" or "refusal"; null when skipped.</summary>
    public string? Label { get; }

    /// <summary>Why the score is what it is, or why the evaluator skipped. Never holds personal data.</summary>
    public string Explanation { get; }

    public bool IsSkipped { get; }

    public static OfflineEvaluationResult Scored(string evaluator, double score, string label, string explanation)
    {
        if (double.IsNaN(score) || score < 0 || score > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A score lies between 0 and 1.");
        }

        return new OfflineEvaluationResult(evaluator, score, label, explanation, skipped: false);
    }

    public static OfflineEvaluationResult Skipped(string evaluator, string reason) =>
        new(evaluator, score: null, label: null, reason, skipped: true);
}
