namespace LlmObserve.Core.Evaluation;

/// <summary>Precision, recall and F1 of the positive class, with the counts behind them.</summary>
public readonly record struct BinaryCounts(
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    int TrueNegatives)
{
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>How well a risk score separates positives from negatives; higher risk means likelier positive.</summary>
public static class ClassificationMetrics
{
    /// <summary>Counts when a risk at or above <paramref name="threshold"/> is called positive.</summary>
    public static BinaryCounts Count(IReadOnlyList<(double Risk, bool Positive)> examples, double threshold)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (risk, positive) in examples)
        {
            var predicted = risk >= threshold;
            if (predicted && positive)
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (positive)
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new BinaryCounts(tp, fp, fn, tn);
    }

    /// <summary>
    /// Area under the ROC curve: the chance that a random positive has a higher risk than a random negative,
    /// ties counting one half. Null when either class is missing.
    /// </summary>
    public static double? Auroc(IReadOnlyList<(double Risk, bool Positive)> examples)
    {
        var positives = examples.Where(e => e.Positive).Select(e => e.Risk).ToArray();
        var negatives = examples.Where(e => !e.Positive).Select(e => e.Risk).ToArray();
        if (positives.Length == 0 || negatives.Length == 0)
        {
            return null;
        }

        var wins = 0.0;
        foreach (var positive in positives)
        {
            foreach (var negative in negatives)
            {
                wins += positive > negative ? 1 : positive == negative ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Length * negatives.Length);
    }

    /// <summary>
    /// The threshold with the best F1 on these examples, chosen among midpoints between distinct risks so
    /// that it transfers to unseen examples; the lower one wins a tie.
    /// </summary>
    public static double BestF1Threshold(IReadOnlyList<(double Risk, bool Positive)> examples)
    {
        var risks = examples.Select(e => e.Risk).Distinct().Order().ToArray();
        if (risks.Length == 0)
        {
            return 0.5;
        }

        var candidates = new List<double> { risks[0] };
        for (var i = 1; i < risks.Length; i++)
        {
            candidates.Add((risks[i - 1] + risks[i]) / 2);
        }

        return candidates.MaxBy(threshold => Count(examples, threshold).F1);
    }
}
