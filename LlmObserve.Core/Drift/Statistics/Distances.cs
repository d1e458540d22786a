namespace LlmObserve.Core.Drift.Statistics;

/// <summary>
/// The distance measures of the catalogue. Binned ones (PSI, KL, Jensen-Shannon) work on the shares Evidently's
/// binning gives; Wasserstein and energy distance work on the raw values through the two empirical CDFs.
/// </summary>
public static class Distances
{
    /// <summary>Population stability index: sum of (r - c) ln(r / c) over the bins.</summary>
    public static double PopulationStabilityIndex(
        IReadOnlyList<double> referenceShares,
        IReadOnlyList<double> currentShares)
    {
        SameLength(referenceShares, currentShares);
        var psi = 0.0;
        for (var i = 0; i < referenceShares.Count; i++)
        {
            var r = referenceShares[i];
            var c = currentShares[i];
            psi += (r - c) * Math.Log(r / c);
        }

        return psi;
    }

    /// <summary>Kullback-Leibler divergence of the current shares from the reference shares, both first
    /// normalised to sum to 1 (scipy's <c>entropy(p, q)</c>), natural logarithm.</summary>
    public static double KullbackLeibler(IReadOnlyList<double> referenceShares, IReadOnlyList<double> currentShares)
    {
        SameLength(referenceShares, currentShares);
        var p = Normalise(referenceShares);
        var q = Normalise(currentShares);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += RelativeEntropy(p[i], q[i]);
        }

        return sum;
    }

    /// <summary>
    /// Jensen-Shannon distance (the square root of the divergence) after normalising both to sum to 1, as scipy's
    /// <c>jensenshannon</c>; natural logarithm unless <paramref name="logBase"/> is given.
    /// </summary>
    public static double JensenShannon(
        IReadOnlyList<double> referenceShares,
        IReadOnlyList<double> currentShares,
        double? logBase = null)
    {
        SameLength(referenceShares, currentShares);
        var p = Normalise(referenceShares);
        var q = Normalise(currentShares);
        var divergence = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = (p[i] + q[i]) / 2;
            divergence += RelativeEntropy(p[i], m) + RelativeEntropy(q[i], m);
        }

        if (logBase is { } b)
        {
            divergence /= Math.Log(b);
        }

        return Math.Sqrt(divergence / 2);
    }

    /// <summary>
    /// Hellinger distance as Evidently computes it: over category shares for a categorical feature; for a
    /// numerical one over density histograms whose Sturges edges are taken from the distinct values of both
    /// windows, times the bin width. Clipped so the result is in [0, 1].
    /// </summary>
    public static double Hellinger(double[] reference, double[] current)
    {
        var keys = reference.Concat(current).Distinct().ToArray();
        var edges = Binning.SturgesEdges(keys);
        var h1 = Density(Binning.Histogram(reference, edges), edges);
        var h2 = Density(Binning.Histogram(current, edges), edges);
        var width = (edges[^1] - edges[0]) / (edges.Length - 1);
        var overlap = 0.0;
        for (var i = 0; i < h1.Length; i++)
        {
            overlap += Math.Sqrt(h1[i] * h2[i]) * width;
        }

        return Math.Sqrt(1 - Math.Clamp(overlap, 0, 1));
    }

    /// <summary>Hellinger distance over the shares of each category.</summary>
    public static double Hellinger<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        var shares = CategoryCounts.Of(reference, current).ToShares();
        var overlap = 0.0;
        for (var i = 0; i < shares.Reference.Length; i++)
        {
            overlap += Math.Sqrt(shares.Reference[i] * shares.Current[i]);
        }

        return Math.Sqrt(1 - Math.Clamp(overlap, 0, 1));
    }

    /// <summary>First Wasserstein distance between the two samples (scipy's <c>wasserstein_distance</c>).</summary>
    public static double Wasserstein(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        IReadOnlyList<double>? referenceWeights = null,
        IReadOnlyList<double>? currentWeights = null) =>
        CdfDistance(1, reference, current, referenceWeights, currentWeights);

    /// <summary>
    /// Evidently's normed Wasserstein distance: the first Wasserstein distance divided by the population
    /// standard deviation of the reference window (at least 0.001).
    /// </summary>
    public static double NormedWasserstein(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var mean = reference.Average();
        var variance = reference.Sum(x => (x - mean) * (x - mean)) / reference.Count;
        return Wasserstein(reference, current) / Math.Max(Math.Sqrt(variance), 0.001);
    }

    /// <summary>Energy distance between the two samples (scipy's <c>energy_distance</c>):
    /// sqrt(2) times the L2 distance between the empirical CDFs.</summary>
    public static double Energy(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        IReadOnlyList<double>? referenceWeights = null,
        IReadOnlyList<double>? currentWeights = null) =>
        Math.Sqrt(2) * CdfDistance(2, reference, current, referenceWeights, currentWeights);

    /// <summary>The L1 (order 1) or L2 (order 2) distance between two weighted empirical CDFs.</summary>
    internal static double CdfDistance(
        int order,
        IReadOnlyList<double> u,
        IReadOnlyList<double> v,
        IReadOnlyList<double>? uWeights,
        IReadOnlyList<double>? vWeights)
    {
        if (u.Count == 0 || v.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        var (uSorted, uCum) = SortedCumulative(u, uWeights);
        var (vSorted, vCum) = SortedCumulative(v, vWeights);
        var all = uSorted.Concat(vSorted).ToArray();
        Array.Sort(all);
        var sum = 0.0;
        for (var i = 0; i < all.Length - 1; i++)
        {
            var delta = all[i + 1] - all[i];
            if (delta == 0)
            {
                continue;
            }

            var diff = Math.Abs(Cdf(uSorted, uCum, all[i]) - Cdf(vSorted, vCum, all[i]));
            sum += order == 1 ? diff * delta : diff * diff * delta;
        }

        return order == 1 ? sum : Math.Sqrt(sum);
    }

    internal static double RelativeEntropy(double x, double y)
    {
        if (x > 0 && y > 0)
        {
            return x * Math.Log(x / y);
        }

        return x == 0 && y >= 0 ? 0 : double.PositiveInfinity;
    }

    private static double Cdf(double[] sorted, double[] cumulative, double at)
    {
        var index = UpperBound(sorted, at);
        return cumulative[index] / cumulative[^1];
    }

    /// <summary>Number of values at or below <paramref name="value"/> in a sorted array.</summary>
    internal static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Number of values strictly below <paramref name="value"/> in a sorted array.</summary>
    internal static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static (double[] Sorted, double[] Cumulative) SortedCumulative(
        IReadOnlyList<double> values,
        IReadOnlyList<double>? weights)
    {
        if (weights is not null && weights.Count != values.Count)
        {
            throw new ArgumentException("Each value needs one weight.");
        }

        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var sorted = order.Select(i => values[i]).ToArray();
        var cumulative = new double[values.Count + 1];
        for (var i = 0; i < order.Length; i++)
        {
            cumulative[i + 1] = cumulative[i] + (weights?[order[i]] ?? 1.0);
        }

        return (sorted, cumulative);
    }

    private static double[] Density(long[] counts, double[] edges)
    {
        var total = counts.Sum();
        var density = new double[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            density[i] = total == 0 ? 0 : counts[i] / (total * (edges[i + 1] - edges[i]));
        }

        return density;
    }

    private static double[] Normalise(IReadOnlyList<double> shares)
    {
        var sum = shares.Sum();
        return shares.Select(s => s / sum).ToArray();
    }

    private static void SameLength(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count == 0)
        {
            throw new ArgumentException($"Both share vectors need the same, non-zero length ({a.Count} vs {b.Count}).");
        }
    }
}
