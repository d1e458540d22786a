namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// The scale a template asks the judge to score on. Scores are stored on [0, 1]: a reply on this scale is
/// mapped linearly, so 7 on 0–10 is stored as 0.7.
/// </summary>
public sealed record JudgeScoreScale(double Min, double Max)
{
    public static readonly JudgeScoreScale Unit = new(0, 1);

    /// <summary>The score on [0, 1], or null when the value lies outside the scale.</summary>
    public double? Normalise(double value)
    {
        if (double.IsNaN(value) || value < Min || value > Max)
        {
            return null;
        }

        return (value - Min) / (Max - Min);
    }

    public override string ToString() => $"{Min:0.###}–{Max:0.###}";
}
