using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace LlmObserve.Core.Drift.Statistics;

/// <summary>
/// Tests on the counts of each category: chi-square, G-test, the two-proportion z-test, Fisher's exact test and
/// total variation distance with a permutation p-value, with Evidently's definitions. The expected counts of the
/// current window are the reference counts scaled to its size.
/// </summary>
public static class CategoricalTests
{
    /// <summary>Pearson's chi-square statistic and p-value of observed against expected counts (k - 1 degrees of
    /// freedom), as scipy's <c>chisquare</c>. One category alone gives p = 1: nothing can shift.</summary>
    public static TestOutcome ChiSquareOfCounts(IReadOnlyList<double> observed, IReadOnlyList<double> expected) =>
        PowerDivergence(observed, expected, logLikelihood: false);

    /// <summary>The G-test (log-likelihood ratio) of observed against expected counts, as scipy's
    /// <c>power_divergence(lambda_="log-likelihood")</c>.</summary>
    public static TestOutcome GTestOfCounts(IReadOnlyList<double> observed, IReadOnlyList<double> expected) =>
        PowerDivergence(observed, expected, logLikelihood: true);

    /// <summary>Evidently's chi-square drift test: current counts against reference counts × n_cur / n_ref.</summary>
    public static TestOutcome ChiSquare<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        var (observed, expected) = ObservedExpected(reference, current);
        return ChiSquareOfCounts(observed, expected);
    }

    /// <summary>Evidently's G-test drift test: current counts against reference counts × n_cur / n_ref.</summary>
    public static TestOutcome GTest<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        var (observed, expected) = ObservedExpected(reference, current);
        return GTestOfCounts(observed, expected);
    }

    /// <summary>
    /// Evidently's two-proportion z-test, two-sided: each value is 0 when it equals the smallest category (in
    /// sort order) and 1 otherwise; a missing value (null) is "otherwise" too, as in Evidently. When both windows
    /// hold one and the same value, p = 1.
    /// </summary>
    public static TestOutcome ProportionZ<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
    {
        if (reference.Count == 0 || current.Count == 0)
        {
            throw new ArgumentException("The z-test needs at least one value in each sample.");
        }

        var comparer = EqualityComparer<T>.Default;
        var refDistinct = reference.Distinct(comparer).ToArray();
        var curDistinct = current.Distinct(comparer).ToArray();
        if (refDistinct.Length == 1 && curDistinct.Length == 1 && comparer.Equals(refDistinct[0], curDistinct[0]))
        {
            return new TestOutcome(0, 1.0);
        }

        var first = refDistinct.Concat(curDistinct).Where(v => v is not null).Order().First();
        double p1 = (double)reference.Count(v => !comparer.Equals(v, first)) / reference.Count;
        double p2 = (double)current.Count(v => !comparer.Equals(v, first)) / current.Count;
        double n1 = reference.Count, n2 = current.Count;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
        if (double.IsNaN(z))
        {
            return new TestOutcome(double.NaN, double.NaN);
        }

        return new TestOutcome(z, 2 * (1 - Normal.CDF(0, 1, Math.Abs(z))));
    }

    /// <summary>
    /// Evidently's Fisher exact test: the 2x2 table of the two categories in each window, two-sided p-value as
    /// scipy's <c>fisher_exact</c> (the tables no likelier than the one observed). Evidently requires windows of
    /// equal size and at most two categories; so does this.
    /// </summary>
    public static TestOutcome FisherExact<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        if (reference.Count != current.Count)
        {
            throw new ArgumentException(
                "Fisher's exact test needs windows of equal size "
                + $"(reference {reference.Count}, current {current.Count}).");
        }

        var counts = CategoryCounts.Of(reference, current);
        if (counts.Keys.Count > 2)
        {
            throw new ArgumentException(
                $"Fisher's exact test needs at most two categories; found {counts.Keys.Count}.");
        }

        var oneCur = counts.Keys.Count == 2 ? counts.Current[1] : 0;
        var oneRef = counts.Keys.Count == 2 ? counts.Reference[1] : 0;
        var p = FisherTwoSided(oneCur, current.Count - oneCur, oneRef, reference.Count - oneRef);
        return new TestOutcome(double.NaN, p);
    }

    /// <summary>Two-sided p-value of Fisher's exact test on the table [[a, b], [c, d]].</summary>
    public static double FisherTwoSided(long a, long b, long c, long d)
    {
        if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0)
        {
            return 1.0;
        }

        var total = (int)(a + b + c + d);
        var column = (int)(a + c);
        var row = (int)(a + b);
        var low = Math.Max(0, row + column - total);
        var high = Math.Min(row, column);
        double LogPmf(int x) => SpecialFunctions.BinomialLn(column, x)
            + SpecialFunctions.BinomialLn(total - column, row - x)
            - SpecialFunctions.BinomialLn(total, row);
        var observed = LogPmf((int)a);
        var p = 0.0;
        for (var x = low; x <= high; x++)
        {
            var logPmf = LogPmf(x);
            if (logPmf <= observed + Math.Log(1 + 1e-7))
            {
                p += Math.Exp(logPmf);
            }
        }

        return Math.Min(p, 1.0);
    }

    /// <summary>Total variation distance between the category shares of two windows: half the L1 distance.</summary>
    public static double TotalVariationDistance<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        var counts = CategoryCounts.Of(reference, current);
        return Tvd(counts.Reference, counts.ReferenceTotal, counts.Current, counts.CurrentTotal);
    }

    /// <summary>
    /// Evidently's TVD test: the distance, and a permutation p-value (the share of relabelled splits whose
    /// distance is at least the one observed) over <paramref name="iterations"/> seeded permutations of the
    /// pooled values. The drift verdict is drawn from the p-value.
    /// </summary>
    public static TestOutcome TotalVariationPermutation<T>(
        IReadOnlyList<T> reference,
        IReadOnlyList<T> current,
        int iterations = 1000,
        int seed = 0)
        where T : notnull
    {
        var counts = CategoryCounts.Of(reference, current);
        var index = counts.Keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var pooled = reference.Concat(current).Select(v => index[v]).ToArray();
        var observed = Tvd(counts.Reference, reference.Count, counts.Current, current.Count);
        var random = new Random(seed);
        var refCounts = new long[counts.Keys.Count];
        var curCounts = new long[counts.Keys.Count];
        var atLeast = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            random.Shuffle(pooled);
            Array.Clear(refCounts);
            Array.Clear(curCounts);
            for (var i = 0; i < pooled.Length; i++)
            {
                if (i < reference.Count)
                {
                    refCounts[pooled[i]]++;
                }
                else
                {
                    curCounts[pooled[i]]++;
                }
            }

            if (observed <= Tvd(refCounts, reference.Count, curCounts, current.Count))
            {
                atLeast++;
            }
        }

        return new TestOutcome(observed, (double)atLeast / iterations);
    }

    private static double Tvd(long[] reference, int referenceTotal, long[] current, int currentTotal)
    {
        var sum = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            sum += Math.Abs((double)reference[i] / referenceTotal - (double)current[i] / currentTotal);
        }

        return 0.5 * sum;
    }

    private static (double[] Observed, double[] Expected) ObservedExpected<T>(
        IReadOnlyList<T> reference,
        IReadOnlyList<T> current)
        where T : notnull
    {
        if (reference.Count == 0 || current.Count == 0)
        {
            throw new ArgumentException("Both windows need at least one value.");
        }

        var counts = CategoryCounts.Of(reference, current);
        var scale = (double)current.Count / reference.Count;
        return (counts.Current.Select(c => (double)c).ToArray(), counts.Reference.Select(c => c * scale).ToArray());
    }

    private static TestOutcome PowerDivergence(
        IReadOnlyList<double> observed,
        IReadOnlyList<double> expected,
        bool logLikelihood)
    {
        if (observed.Count != expected.Count || observed.Count == 0)
        {
            throw new ArgumentException("Observed and expected counts need the same, non-zero length.");
        }

        var statistic = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            double o = observed[i], e = expected[i];
            if (logLikelihood)
            {
                statistic += 2 * Distances.RelativeEntropy(o, e);
            }
            else
            {
                statistic += e == 0 ? (o == 0 ? double.NaN : double.PositiveInfinity) : (o - e) * (o - e) / e;
            }
        }

        var df = observed.Count - 1;
        if (df == 0)
        {
            return new TestOutcome(0, 1.0);
        }

        var p = double.IsPositiveInfinity(statistic)
            ? 0.0
            : SpecialFunctions.GammaUpperRegularized(df / 2.0, statistic / 2);
        return new TestOutcome(statistic, p);
    }
}
