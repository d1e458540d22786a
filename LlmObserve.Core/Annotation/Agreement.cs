namespace LlmObserve.Core.Annotation;

/// <summary>
/// Inter-annotator agreement. Cohen's kappa for two reviewers who labelled the same items; Krippendorff's alpha for
/// any number of reviewers, missing labels allowed (nominal for labels, interval for numbers). Both are 1 for perfect
/// agreement and 0 for agreement at chance; null when the data cannot tell (one category only, or too few pairs).
/// </summary>
public static class Agreement
{
    /// <summary>
    /// Unweighted Cohen's kappa, (p_o − p_e) / (1 − p_e), over items both labelled, in the same order.
    /// </summary>
    public static double? CohenKappa(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        if (first.Count != second.Count)
        {
            throw new ArgumentException("Both reviewers must label the same items.", nameof(second));
        }

        var n = first.Count;
        if (n == 0)
        {
            return null;
        }

        var observed = first.Zip(second).Count(pair => pair.First == pair.Second) / (double)n;
        var firstShares = first.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count() / (double)n);
        var expected = second.GroupBy(l => l)
            .Sum(g => firstShares.GetValueOrDefault(g.Key) * (g.Count() / (double)n));
        return expected >= 1 ? null : (observed - expected) / (1 - expected);
    }

    /// <summary>
    /// Krippendorff's alpha, 1 − D_o / D_e, from the coincidence of values within each item; items with fewer than
    /// two values are left out. <paramref name="difference"/> is the squared distance of two values.
    /// </summary>
    public static double? KrippendorffAlpha<T>(
        IEnumerable<IReadOnlyList<T>> items,
        Func<T, T, double> difference)
        where T : notnull
    {
        var pairable = items.Where(values => values.Count >= 2).ToList();
        var total = pairable.Sum(values => values.Count);
        if (total < 2)
        {
            return null;
        }

        // Observed: every ordered pair of values within an item, weighted 1 / (m − 1).
        double observed = 0;
        foreach (var values in pairable)
        {
            double sum = 0;
            for (var i = 0; i < values.Count; i++)
            {
                for (var j = 0; j < values.Count; j++)
                {
                    if (i != j)
                    {
                        sum += difference(values[i], values[j]);
                    }
                }
            }

            observed += sum / (values.Count - 1);
        }

        observed /= total;

        // Expected: every ordered pair of the pooled values.
        var pooled = pairable.SelectMany(values => values).ToList();
        double expected = 0;
        for (var i = 0; i < pooled.Count; i++)
        {
            for (var j = 0; j < pooled.Count; j++)
            {
                if (i != j)
                {
                    expected += difference(pooled[i], pooled[j]);
                }
            }
        }

        expected /= total * (double)(total - 1);
        return expected == 0 ? null : 1 - (observed / expected);
    }

    /// <summary>Nominal distance: 0 for the same label, 1 otherwise.</summary>
    public static double Nominal(string a, string b) => a == b ? 0 : 1;

    /// <summary>Interval distance: the squared difference.</summary>
    public static double Interval(double a, double b) => (a - b) * (a - b);
}
