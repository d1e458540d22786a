using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;
using MathStatistics = MathNet.Numerics.Statistics.Statistics;

namespace LlmObserve.Core.Drift.Statistics;

/// <summary>
/// The tests built on the pooled ranks or the pooled order of the two samples: Cramér-von Mises, the k-sample
/// Anderson-Darling test for two samples, Mann-Whitney U; plus Epps-Singleton and the t-test, which Evidently
/// offers beside them for numerical features.
/// </summary>
public static class RankTests
{
    /// <summary>Largest sample size for which Cramér-von Mises is computed exactly (scipy's "auto").</summary>
    public const int CramerVonMisesMaxExactSize = 20;

    /// <summary>
    /// Two-sample Cramér-von Mises test (Anderson 1962), as scipy's <c>cramervonmises_2samp</c> with method
    /// "auto": the exact distribution of U when neither sample exceeds 20 values, else the limiting distribution
    /// of the normalised statistic. Ties get mid-ranks.
    /// </summary>
    public static TestOutcome CramerVonMises(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        int nx = reference.Count, ny = current.Count;
        if (nx <= 1 || ny <= 1)
        {
            throw new ArgumentException("Cramér-von Mises needs at least two values in each sample.");
        }

        var xs = reference.Order().ToArray();
        var ys = current.Order().ToArray();
        var ranks = MathStatistics.Ranks(xs.Concat(ys), RankDefinition.Average);
        var u = 0.0;
        for (var i = 0; i < nx; i++)
        {
            u += nx * Math.Pow(ranks[i] - (i + 1), 2);
        }

        for (var j = 0; j < ny; j++)
        {
            u += ny * Math.Pow(ranks[nx + j] - (j + 1), 2);
        }

        double k = (double)nx * ny, n = nx + ny;
        var t = u / (k * n) - (4 * k - 1) / (6 * n);
        if (Math.Max(nx, ny) <= CramerVonMisesMaxExactSize)
        {
            return new TestOutcome(t, CramerVonMisesExactPValue(u, nx, ny));
        }

        var expected = (1 + 1 / n) / 6;
        var variance = (n + 1.0) * (4 * k * n - 3 * ((double)nx * nx + (double)ny * ny) - 2 * k) / (45 * n * n * 4 * k);
        var normalised = 1.0 / 6 + (t - expected) / Math.Sqrt(45 * variance);
        var p = normalised < 0.003 ? 1.0 : Math.Max(0, 1.0 - CramerVonMisesLimitCdf(normalised));
        return new TestOutcome(t, p);
    }

    /// <summary>
    /// Exact P(U' >= U) for samples of m and n values, by the recursion of Xiao, Gordon and Yakovlev (2006)
    /// over frequency tables of the partial sums along each lattice path.
    /// </summary>
    public static double CramerVonMisesExactPValue(double u, int m, int n)
    {
        var lcm = Lcm(m, n);
        long a = lcm / m, b = lcm / n;
        long mn = (long)m * n;
        var numerator = (double)lcm * lcm * (m + n) * (6 * u - mn * (4 * mn - 1));
        var denominator = 6.0 * mn * mn;
        double zeta = u == Math.Floor(u) && Math.Abs(numerator) < 9e15
            ? FloorDiv((long)numerator, (long)denominator)
            : Math.Floor(numerator / denominator);

        // tables[v]: for paths ending at (current u, v), how many reach each partial sum of (a v - b u)^2.
        var tables = new Dictionary<long, long>[m + 1];
        tables[0] = new Dictionary<long, long> { [0] = 1 };
        for (var v = 1; v <= m; v++)
        {
            tables[v] = [];
        }

        for (long uu = 0; uu <= n; uu++)
        {
            var next = new Dictionary<long, long>[m + 1];
            var carried = new Dictionary<long, long>();
            for (var v = 0; v <= m; v++)
            {
                var merged = new Dictionary<long, long>(carried);
                foreach (var (value, count) in tables[v])
                {
                    merged[value] = merged.GetValueOrDefault(value) + count;
                }

                var shift = (a * v - b * uu) * (a * v - b * uu);
                carried = merged.ToDictionary(kv => kv.Key + shift, kv => kv.Value);
                next[v] = carried;
            }

            tables = next;
        }

        var combinations = Math.Exp(SpecialFunctions.FactorialLn(m + n) - SpecialFunctions.FactorialLn(m)
            - SpecialFunctions.FactorialLn(n));
        combinations = Math.Round(combinations);
        var atOrAbove = tables[m].Where(kv => kv.Key >= zeta).Sum(kv => (double)kv.Value);
        return atOrAbove / combinations;
    }

    /// <summary>CDF of the limiting Cramér-von Mises distribution (Csörgő and Faraway 1996, eq. 1.2).</summary>
    internal static double CramerVonMisesLimitCdf(double x)
    {
        var total = 0.0;
        for (var k = 0; k < 1000; k++)
        {
            var u = Math.Exp(SpecialFunctions.GammaLn(k + 0.5) - SpecialFunctions.GammaLn(k + 1))
                / (Math.Pow(Math.PI, 1.5) * Math.Sqrt(x));
            var y = 4.0 * k + 1;
            var q = y * y / (16 * x);

            // exp(-q) K_{1/4}(q) written with the scaled Bessel function exp(q) K(q) so large q does not underflow.
            var term = u * Math.Sqrt(y) * Math.Exp(-2 * q) * SpecialFunctions.BesselKScaled(0.25, q);
            total += term;
            if (Math.Abs(term) < 1e-7)
            {
                break;
            }
        }

        return total;
    }

    private static readonly double[] AdB0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
    private static readonly double[] AdB1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
    private static readonly double[] AdB2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
    private static readonly double[] AdSignificance = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

    /// <summary>
    /// k-sample Anderson-Darling test for two samples (Scholz and Stephens 1987, the mid-rank version for ties),
    /// as scipy's <c>anderson_ksamp</c>: the standardised statistic, and a p-value interpolated (quadratic in
    /// the statistic, on the log of the level) between the critical values of their Table 2, so capped at 0.25
    /// and floored at 0.001.
    /// </summary>
    public static TestOutcome AndersonDarling(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        double[][] samples = [reference.ToArray(), current.ToArray()];
        foreach (var sample in samples)
        {
            Array.Sort(sample);
        }

        var pooled = samples[0].Concat(samples[1]).ToArray();
        Array.Sort(pooled);
        var distinct = pooled.Distinct().ToArray();
        int k = samples.Length, total = pooled.Length;
        if (samples.Any(s => s.Length == 0) || distinct.Length < 2 || total < 4)
        {
            throw new ArgumentException(
                "Anderson-Darling needs a value in each sample, at least four in all, and two distinct values.");
        }

        double nTotal = total, a2 = 0;
        var left = distinct.Select(z => (double)Distances.LowerBound(pooled, z)).ToArray();
        var tieCounts = distinct.Select((z, i) => Distances.UpperBound(pooled, z) - left[i]).ToArray();
        var b = left.Select((l, i) => l + tieCounts[i] / 2.0).ToArray();
        foreach (var sample in samples)
        {
            var inner = 0.0;
            for (var j = 0; j < distinct.Length; j++)
            {
                var right = Distances.UpperBound(sample, distinct[j]);
                var atValue = right - Distances.LowerBound(sample, distinct[j]);
                var mij = right - atValue / 2.0;
                var num = Math.Pow(nTotal * mij - b[j] * sample.Length, 2);
                inner += tieCounts[j] / nTotal * num / (b[j] * (nTotal - b[j]) - nTotal * tieCounts[j] / 4.0);
            }

            a2 += inner / sample.Length;
        }

        a2 *= (nTotal - 1) / nTotal;

        var hH = samples.Sum(s => 1.0 / s.Length);
        var cumulative = new List<double>();
        var acc = 0.0;
        for (var v = total - 1; v > 1; v--)
        {
            acc += 1.0 / v;
            cumulative.Add(acc);
        }

        var h = cumulative[^1] + 1;
        var g = cumulative.Select((c, i) => c / (i + 2)).Sum();
        var ca = (4 * g - 6) * (k - 1) + (10 - 6 * g) * hH;
        var cb = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * hH - 8 * h + 4 * g - 6;
        var cc = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * hH + 4 * h;
        var cd = (2 * h + 6) * k * k - 4 * h * k;
        var sigmaSquared = (ca * Math.Pow(nTotal, 3) + cb * nTotal * nTotal + cc * nTotal + cd)
            / ((nTotal - 1) * (nTotal - 2) * (nTotal - 3));
        var m = k - 1;
        var statistic = (a2 - m) / Math.Sqrt(sigmaSquared);

        var critical = AdB0.Select((b0, i) => b0 + AdB1[i] / Math.Sqrt(m) + AdB2[i] / m).ToArray();
        double p;
        if (statistic < critical.Min())
        {
            p = AdSignificance.Max();
        }
        else if (statistic > critical.Max())
        {
            p = AdSignificance.Min();
        }
        else
        {
            var coefficients = Fit.Polynomial(critical, AdSignificance.Select(s => Math.Log(s)).ToArray(), 2);
            p = Math.Exp(coefficients[0] + coefficients[1] * statistic + coefficients[2] * statistic * statistic);
        }

        return new TestOutcome(statistic, p);
    }

    /// <summary>
    /// Mann-Whitney U test of the reference against the current sample with Evidently's one-sided alternative
    /// "less" (the reference tends to be smaller), as scipy's <c>mannwhitneyu</c> with method "auto": exact when
    /// a sample holds at most 8 values and there are no ties, else the normal approximation with the tie
    /// correction and the continuity correction. The statistic is U of the reference sample.
    /// </summary>
    public static TestOutcome MannWhitneyLess(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        int n1 = reference.Count, n2 = current.Count;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("Mann-Whitney needs at least one value in each sample.");
        }

        var pooled = reference.Concat(current).ToArray();
        var ranks = MathStatistics.Ranks(pooled, RankDefinition.Average);
        var r1 = ranks.Take(n1).Sum();
        var u1 = r1 - n1 * (n1 + 1) / 2.0;
        var u2 = (double)n1 * n2 - u1;
        var tieGroups = pooled.GroupBy(x => x).Select(grp => (double)grp.Count()).ToArray();
        var hasTies = tieGroups.Any(t => t > 1);

        double p;
        if ((n1 <= 8 || n2 <= 8) && !hasTies)
        {
            p = MannWhitneyExactSurvival(u2, n1, n2);
        }
        else
        {
            double n = n1 + n2;
            var tieTerm = tieGroups.Sum(t => t * t * t - t);
            var s = Math.Sqrt(n1 * (double)n2 / 12 * (n + 1 - tieTerm / (n * (n - 1))));
            var z = (u2 - n1 * (double)n2 / 2 - 0.5) / s;
            p = Normal.CDF(0, 1, -z);
        }

        return new TestOutcome(u1, Math.Clamp(p, 0, 1));
    }

    /// <summary>P(U >= u) under the null for samples of n1 and n2 values without ties.</summary>
    internal static double MannWhitneyExactSurvival(double u, int n1, int n2)
    {
        // Counts of U over all arrangements: coefficients of the Gaussian binomial [n1 + n2 choose n1].
        int m = Math.Min(n1, n2), n = Math.Max(n1, n2);
        var degree = m * n;
        var poly = new double[degree + 1];
        poly[0] = 1;
        for (var i = 1; i <= m; i++)
        {
            // multiply by (1 - q^(n + i)) then divide by (1 - q^i)
            var shift = n + i;
            for (var d = degree; d >= shift; d--)
            {
                poly[d] -= poly[d - shift];
            }

            for (var d = i; d <= degree; d++)
            {
                poly[d] += poly[d - i];
            }
        }

        var all = poly.Sum();
        var start = (int)Math.Ceiling(u);
        var tail = 0.0;
        for (var d = Math.Max(start, 0); d <= degree; d++)
        {
            tail += poly[d];
        }

        return tail / all;
    }

    /// <summary>
    /// Two-sample t-test of the means, two-sided. Evidently uses Student's test with pooled variance (scipy's
    /// default); <paramref name="equalVariances"/> false gives Welch's test.
    /// </summary>
    public static TestOutcome TTest(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        bool equalVariances = true)
    {
        int n1 = reference.Count, n2 = current.Count;
        if (n1 < 2 || n2 < 2)
        {
            throw new ArgumentException("The t-test needs at least two values in each sample.");
        }

        var m1 = reference.Average();
        var m2 = current.Average();
        var v1 = reference.Sum(x => (x - m1) * (x - m1)) / (n1 - 1);
        var v2 = current.Sum(x => (x - m2) * (x - m2)) / (n2 - 1);
        double t, df;
        if (equalVariances)
        {
            df = n1 + n2 - 2;
            var pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
            t = (m1 - m2) / Math.Sqrt(pooled * (1.0 / n1 + 1.0 / n2));
        }
        else
        {
            double a = v1 / n1, b = v2 / n2;
            t = (m1 - m2) / Math.Sqrt(a + b);
            df = (a + b) * (a + b) / (a * a / (n1 - 1) + b * b / (n2 - 1));
        }

        if (double.IsNaN(t))
        {
            return new TestOutcome(double.NaN, double.NaN);
        }

        var p = double.IsInfinity(t) ? 0.0 : SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + t * t));
        return new TestOutcome(t, p);
    }

    /// <summary>
    /// Epps-Singleton test (1986) on the empirical characteristic function at t = 0.4 and 0.8 scaled by half the
    /// pooled interquartile range, as scipy's <c>epps_singleton_2samp</c>, with its small-sample correction when
    /// both samples hold fewer than 25 values. Chi-square with as many degrees of freedom as the covariance
    /// estimate's rank.
    /// </summary>
    public static TestOutcome EppsSingleton(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        int nx = reference.Count, ny = current.Count;
        if (nx < 5 || ny < 5)
        {
            throw new ArgumentException("Epps-Singleton needs at least five values in each sample.");
        }

        var pooled = reference.Concat(current).ToArray();
        var iqr = pooled.QuantileCustom(0.75, QuantileDefinition.R7)
            - pooled.QuantileCustom(0.25, QuantileDefinition.R7);
        if (iqr == 0)
        {
            throw new ArgumentException(
                "Epps-Singleton cannot scale by the interquartile range: it is zero (the middle half of the values "
                + "is constant).");
        }

        var sigma = iqr / 2;
        double[] ts = [0.4 / sigma, 0.8 / sigma];
        var gx = Features(reference, ts);
        var gy = Features(current, ts);
        double n = nx + ny;
        var covariance = BiasedCovariance(gx) * (n / nx) + BiasedCovariance(gy) * (n / ny);
        var svd = covariance.Svd(true);
        var singular = svd.S.ToArray();
        var cutoff = 1e-15 * singular.Max();
        var inverseSingular = Matrix<double>.Build.Diagonal(
            singular.Length,
            singular.Length,
            i => singular[i] > cutoff ? 1 / singular[i] : 0);
        var pseudoInverse = svd.VT.Transpose() * inverseSingular * svd.U.Transpose();
        var inverted = singular.Where(s => s > cutoff).Select(s => 1 / s).ToArray();
        var rank = inverted.Count(s => s > inverted.Max() * Math.Max(covariance.RowCount, covariance.ColumnCount)
            * Precision.DoublePrecision * 2);

        var diff = gx.ColumnSums() / nx - gy.ColumnSums() / ny;
        var w = n * diff.DotProduct(pseudoInverse * diff);
        if (Math.Max(nx, ny) < 25)
        {
            var correction = 1.0 / (1.0 + Math.Pow(n, -0.45) + 10.1 * (Math.Pow(nx, -1.7) + Math.Pow(ny, -1.7)));
            w *= correction;
        }

        var p = SpecialFunctions.GammaUpperRegularized(rank / 2.0, w / 2);
        return new TestOutcome(w, p);
    }

    private static Matrix<double> Features(IReadOnlyList<double> values, double[] ts) =>
        Matrix<double>.Build.Dense(values.Count, 2 * ts.Length, (row, column) => column < ts.Length
            ? Math.Cos(ts[column] * values[row])
            : Math.Sin(ts[column - ts.Length] * values[row]));

    private static Matrix<double> BiasedCovariance(Matrix<double> g)
    {
        var mean = g.ColumnSums() / g.RowCount;
        var centred = g - Matrix<double>.Build.Dense(g.RowCount, g.ColumnCount, (_, c) => mean[c]);
        return centred.TransposeThisAndMultiply(centred) / g.RowCount;
    }

    private static long Lcm(int a, int b)
    {
        long x = a, y = b;
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return (long)a / x * b;
    }

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }
}
