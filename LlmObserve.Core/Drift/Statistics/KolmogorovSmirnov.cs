namespace LlmObserve.Core.Drift.Statistics;

/// <summary>Which difference of the two empirical CDFs a K-S test looks at.</summary>
public enum KsAlternative
{
    TwoSided,

    /// <summary>The reference CDF lies above the current one somewhere (scipy's "greater").</summary>
    Greater,

    /// <summary>The reference CDF lies below the current one somewhere (scipy's "less").</summary>
    Less,
}

/// <summary>A test statistic with its p-value.</summary>
public readonly record struct TestOutcome(double Statistic, double PValue);

/// <summary>
/// Two-sample Kolmogorov-Smirnov test as scipy's <c>ks_2samp</c> with method "auto": the exact null distribution
/// when neither sample exceeds 10,000 values, else the asymptotic one.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Largest sample size for which the exact p-value is computed (scipy's limit).</summary>
    public const int MaxExactSize = 10_000;

    public static TestOutcome Test(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        KsAlternative alternative = KsAlternative.TwoSided)
    {
        var a = reference.ToArray();
        var b = current.ToArray();
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException("K-S needs at least one value in each sample.");
        }

        Array.Sort(a);
        Array.Sort(b);
        int n1 = a.Length, n2 = b.Length;
        double maxPlus = 0, maxMinus = 0;
        foreach (var x in a.Concat(b))
        {
            var diff = (double)Distances.UpperBound(a, x) / n1 - (double)Distances.UpperBound(b, x) / n2;
            maxPlus = Math.Max(maxPlus, diff);
            maxMinus = Math.Max(maxMinus, -diff);
        }

        var d = alternative switch
        {
            KsAlternative.Greater => maxPlus,
            KsAlternative.Less => maxMinus,
            _ => Math.Max(maxPlus, maxMinus),
        };
        d = Math.Clamp(d, 0, 1);

        if (Math.Max(n1, n2) <= MaxExactSize)
        {
            return new TestOutcome(d, ExactPValue(n1, n2, d, alternative));
        }

        return new TestOutcome(d, AsymptoticPValue(n1, n2, d, alternative));
    }

    /// <summary>
    /// P(D >= d) for samples of n1 and n2 values without ties: the share of the lattice paths from (0, 0) to
    /// (n1, n2) that reach the line the statistic describes. Computed as the probability mass that first steps
    /// across the boundary, walking a random path whose steps have the hypergeometric probabilities, so no
    /// binomial coefficient is formed and small p-values keep their relative precision.
    /// </summary>
    internal static double ExactPValue(int n1, int n2, double d, KsAlternative alternative)
    {
        var g = Gcd(n1, n2);
        var lcm = (long)(n1 / g) * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        if (h == 0)
        {
            return 1.0;
        }

        // A point (i, j) is past the boundary when (i * n2 - j * n1) / g reaches h (one side or both).
        bool Outside(int i, int j)
        {
            var value = ((long)i * n2 - (long)j * n1) / g;
            return alternative switch
            {
                KsAlternative.Greater => value >= h,
                KsAlternative.Less => -value >= h,
                _ => Math.Abs(value) >= h,
            };
        }

        var total = n1 + n2;
        var row = new double[n2 + 1];
        var next = new double[n2 + 1];
        var outside = 0.0;
        row[0] = 1.0;
        for (var i = 0; i <= n1; i++)
        {
            Array.Clear(next);
            for (var j = 0; j <= n2; j++)
            {
                var mass = row[j];
                if (mass == 0)
                {
                    continue;
                }

                var remaining = total - i - j;
                if (remaining == 0)
                {
                    continue;
                }

                if (i < n1)
                {
                    var step = mass * (n1 - i) / remaining;
                    if (Outside(i + 1, j))
                    {
                        outside += step;
                    }
                    else
                    {
                        next[j] += step;
                    }
                }

                if (j < n2)
                {
                    var step = mass * (n2 - j) / remaining;
                    if (Outside(i, j + 1))
                    {
                        outside += step;
                    }
                    else
                    {
                        row[j + 1] += step;
                    }
                }
            }

            (row, next) = (next, row);
        }

        return Math.Clamp(outside, 0, 1);
    }

    /// <summary>
    /// Large-sample p-value: the Kolmogorov limiting distribution at sqrt(n1 n2 / (n1 + n2)) d for the two-sided
    /// test, and Smirnov's formula with its finite-sample term for one side (as scipy).
    /// </summary>
    internal static double AsymptoticPValue(int n1, int n2, double d, KsAlternative alternative)
    {
        double m = n1, n = n2;
        var en = m * n / (m + n);
        if (alternative == KsAlternative.TwoSided)
        {
            return KolmogorovSurvival(Math.Sqrt(en) * d);
        }

        var z = Math.Sqrt(en) * d;
        var exponent = -2 * z * z - 2 * z * (Math.Max(m, n) + 2 * Math.Min(m, n)) / Math.Sqrt(m * n * (m + n)) / 3.0;
        return Math.Clamp(Math.Exp(exponent), 0, 1);
    }

    /// <summary>Survival function of the Kolmogorov distribution, by whichever series converges fast.</summary>
    internal static double KolmogorovSurvival(double x)
    {
        if (x <= 0)
        {
            return 1.0;
        }

        if (x < 1)
        {
            var sum = 0.0;
            for (var k = 1; k <= 50; k++)
            {
                var term = Math.Exp(-(2 * k - 1) * (2 * k - 1) * Math.PI * Math.PI / (8 * x * x));
                sum += term;
                if (term < 1e-17)
                {
                    break;
                }
            }

            return Math.Clamp(1 - Math.Sqrt(2 * Math.PI) / x * sum, 0, 1);
        }

        var tail = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2.0 * k * k * x * x);
            tail += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-17)
            {
                break;
            }
        }

        return Math.Clamp(tail, 0, 1);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
