namespace LlmObserve.Core.Drift.Statistics;

/// <summary>Shares of two windows over the same bins or categories, as the distance tests compare them.</summary>
internal sealed record BinnedShares(double[] Reference, double[] Current, double[]? Edges);

/// <summary>
/// Histograms and category counts the way Evidently builds them: numpy's Sturges bin edges over both windows
/// for a numerical feature whose reference holds more than 20 distinct values, else one bin per distinct value;
/// and, where asked, empty bins filled with a small share so that logarithms stay finite.
/// </summary>
internal static class Binning
{
    /// <summary>Distinct reference values above which a numerical feature is cut into Sturges bins.</summary>
    public const int MaxDistinctForValueBins = 20;

    /// <summary>numpy's <c>histogram_bin_edges(values, bins="sturges")</c>.</summary>
    public static double[] SturgesEdges(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("Cannot bin an empty sample.", nameof(values));
        }

        var min = values.Min();
        var max = values.Max();
        double first = min, last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }

        var width = (max - min) / (Math.Log2(values.Count) + 1.0);
        var bins = width > 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        return LinSpace(first, last, bins + 1);
    }

    /// <summary>numpy's <c>linspace</c> with the end point: start + i * step, the last edge exactly at stop.</summary>
    public static double[] LinSpace(double start, double stop, int count)
    {
        var edges = new double[count];
        var step = (stop - start) / (count - 1);
        for (var i = 0; i < count; i++)
        {
            edges[i] = i * step + start;
        }

        edges[^1] = stop;
        return edges;
    }

    /// <summary>numpy's <c>histogram</c> counts: half-open bins, the last closed; values outside skipped.</summary>
    public static long[] Histogram(IEnumerable<double> values, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        foreach (var value in values)
        {
            if (value < edges[0] || value > edges[^1])
            {
                continue;
            }

            var index = Array.BinarySearch(edges, value);
            index = index >= 0 ? index : ~index - 1;
            counts[Math.Min(index, counts.Length - 1)]++;
        }

        return counts;
    }

    /// <summary>Evidently's <c>get_binned_data</c> for a numerical feature.</summary>
    public static BinnedShares Numerical(double[] reference, double[] current, bool fillZeroes)
    {
        if (reference.Distinct().Count() > MaxDistinctForValueBins)
        {
            var edges = SturgesEdges([.. reference, .. current]);
            var refShares = Shares(Histogram(reference, edges), reference.Length);
            var curShares = Shares(Histogram(current, edges), current.Length);
            return Fill(new BinnedShares(refShares, curShares, edges), fillZeroes);
        }

        var counts = CategoryCounts.Of(reference, current);
        return Fill(counts.ToShares(), fillZeroes);
    }

    /// <summary>Evidently's <c>get_binned_data</c> for a categorical feature: one bin per category.</summary>
    public static BinnedShares Categorical<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current, bool fillZeroes)
        where T : notnull =>
        Fill(CategoryCounts.Of(reference, current).ToShares(), fillZeroes);

    private static double[] Shares(long[] counts, int total) => counts.Select(c => (double)c / total).ToArray();

    private static BinnedShares Fill(BinnedShares shares, bool fillZeroes)
    {
        if (fillZeroes)
        {
            FillZeroes(shares.Reference);
            FillZeroes(shares.Current);
        }

        return shares;
    }

    /// <summary>
    /// Evidently's rule for empty bins: they get 0.0001, or a millionth of the smallest non-empty share when
    /// that share is itself at most 0.0001.
    /// </summary>
    private static void FillZeroes(double[] shares)
    {
        var nonZero = shares.Where(s => s != 0).ToArray();
        if (nonZero.Length == 0)
        {
            return;
        }

        var smallest = nonZero.Min();
        var fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
        for (var i = 0; i < shares.Length; i++)
        {
            if (shares[i] == 0)
            {
                shares[i] = fill;
            }
        }
    }
}

/// <summary>Counts of each distinct value in two windows, over the union of their values.</summary>
internal sealed class CategoryCounts<T>
    where T : notnull
{
    public required IReadOnlyList<T> Keys { get; init; }

    public required long[] Reference { get; init; }

    public required long[] Current { get; init; }

    public required int ReferenceTotal { get; init; }

    public required int CurrentTotal { get; init; }

    public BinnedShares ToShares() => new(
        Reference.Select(c => (double)c / ReferenceTotal).ToArray(),
        Current.Select(c => (double)c / CurrentTotal).ToArray(),
        null);
}

internal static class CategoryCounts
{
    /// <summary>Counts per distinct value; keys in first-seen order, which no test depends on.</summary>
    public static CategoryCounts<T> Of<T>(IReadOnlyList<T> reference, IReadOnlyList<T> current)
        where T : notnull
    {
        var index = new Dictionary<T, int>();
        var keys = new List<T>();
        foreach (var value in reference.Concat(current))
        {
            if (index.TryAdd(value, keys.Count))
            {
                keys.Add(value);
            }
        }

        var refCounts = new long[keys.Count];
        var curCounts = new long[keys.Count];
        foreach (var value in reference)
        {
            refCounts[index[value]]++;
        }

        foreach (var value in current)
        {
            curCounts[index[value]]++;
        }

        return new CategoryCounts<T>
        {
            Keys = keys,
            Reference = refCounts,
            Current = curCounts,
            ReferenceTotal = reference.Count,
            CurrentTotal = current.Count,
        };
    }
}
