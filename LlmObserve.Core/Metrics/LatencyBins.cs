using System.Globalization;
using System.Text;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// The latency histogram every rollup, dashboard percentile and <c>/metrics</c> histogram shares. Bin upper edges
/// follow the R10 preferred numbers (1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8 in each decade) from 0.1 ms to
/// 10<sup>7</sup> ms, so the bounds people put on Prometheus histograms (5 ms, 25 ms, 0.5 s, 2.5 s, 10 s …) are
/// exact edges, and a percentile read from the bins is off by at most one bin (about 26 %), usually far less
/// once interpolated inside the bin.
/// </summary>
public static class LatencyBins
{
    private static readonly double[] Mantissas = [1.0, 1.25, 1.6, 2.0, 2.5, 3.15, 4.0, 5.0, 6.3, 8.0];
    private static readonly double[] Edges = BuildEdges();

    /// <summary>Number of bins: one per edge, and the last for everything above the highest edge.</summary>
    public static int Count => Edges.Length + 1;

    /// <summary>Upper edges in milliseconds, ascending; bin <c>i</c> holds latencies in (edge[i-1], edge[i]].</summary>
    public static IReadOnlyList<double> UpperEdgesMs => Edges;

    /// <summary>The bin of a latency; negative or NaN latencies fall into the first.</summary>
    public static int BinOf(double latencyMs)
    {
        if (!(latencyMs > Edges[0]))
        {
            return 0;
        }

        var index = Array.BinarySearch(Edges, latencyMs);
        return index >= 0 ? index : ~index;
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0…1) of the latencies counted in <paramref name="counts"/> (indexed by bin),
    /// interpolated geometrically inside its bin; null when nothing was counted.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);

        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total <= 0)
        {
            return null;
        }

        // The rank of the wanted observation among all, 1-based, as Prometheus' histogram_quantile reads it.
        var rank = Math.Max(1, quantile * total);
        long seen = 0;
        for (var bin = 0; bin < counts.Count; bin++)
        {
            var inBin = counts[bin];
            if (inBin <= 0 || seen + inBin < rank)
            {
                seen += Math.Max(0, inBin);
                continue;
            }

            if (bin >= Edges.Length)
            {
                return Edges[^1];
            }

            var upper = Edges[bin];
            var lower = bin == 0 ? upper / 1.25 : Edges[bin - 1];
            var fraction = (rank - seen) / inBin;
            return lower * Math.Pow(upper / lower, fraction);
        }

        return Edges[^1];
    }

    /// <summary>
    /// The <paramref name="quantile"/> of the latencies counted in <paramref name="counts"/>, kept within the smallest
    /// and largest latency the counts and their exact <paramref name="sumMs"/> allow (<see cref="Range"/>). Read from
    /// bins alone, a quantile is interpolated inside its bin and can pass every latency actually seen: one trace of
    /// 201 ms would show a p95 of 247 ms. With the sum, a lone trace's percentiles are its latency, and no percentile
    /// is ever above the largest latency possible.
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile, double sumMs)
    {
        if (Quantile(counts, quantile) is not { } value || Range(counts, sumMs) is not { } range)
        {
            return null;
        }

        return Math.Clamp(value, range.MinMs, range.MaxMs);
    }

    /// <summary>
    /// The smallest and largest latency that can have been counted, given the bins and the exact sum of all
    /// latencies: the largest is at most its bin's upper edge, and at most the sum less the least the others can add
    /// (each at its bin's lower edge); the smallest alike. Null when nothing was counted.
    /// </summary>
    public static (double MinMs, double MaxMs)? Range(IReadOnlyList<long> counts, double sumMs)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int lowest = -1, highest = -1;
        double lowerSum = 0, upperSum = 0;
        for (var bin = 0; bin < counts.Count; bin++)
        {
            if (counts[bin] <= 0)
            {
                continue;
            }

            lowest = lowest < 0 ? bin : lowest;
            highest = bin;
            lowerSum += counts[bin] * LowerEdge(bin);
            upperSum += counts[bin] * UpperEdge(bin);
        }

        if (lowest < 0)
        {
            return null;
        }

        // The largest latency is the sum less the others; they add at least their lower edges. The smallest alike,
        // with the others at their upper edges. Latencies are never negative.
        var max = Math.Min(UpperEdge(highest), sumMs - (lowerSum - LowerEdge(highest)));
        var min = Math.Max(LowerEdge(lowest), sumMs - (upperSum - UpperEdge(lowest)));
        max = Math.Max(max, 0);
        min = Math.Max(min, 0);

        // Rounding of the stored sum (whole microseconds per trace) can cross the two by a hair; the bins then win.
        return min <= max ? (min, max) : (LowerEdge(lowest), UpperEdge(highest));
    }

    /// <summary>
    /// Adds the counts of an encoded histogram (see <see cref="Encode"/>) into <paramref name="counts"/>; text that is
    /// not an encoded histogram adds nothing.
    /// </summary>
    public static void AddEncoded(string? encoded, long[] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var pair in (encoded ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && int.TryParse(pair.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var bin)
                && long.TryParse(pair.AsSpan(colon + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out var count)
                && bin < counts.Length)
            {
                counts[bin] += count;
            }
        }
    }

    /// <summary>
    /// The non-zero bins of <paramref name="counts"/> as text, <c>bin:count</c> separated by spaces: a rollup row
    /// carries its whole histogram in one column, so a chart reads one row per bucket, not one per bin.
    /// </summary>
    public static string Encode(IReadOnlyList<long> counts)
    {
        var text = new StringBuilder();
        for (var bin = 0; bin < counts.Count; bin++)
        {
            if (counts[bin] != 0)
            {
                text.Append(text.Length == 0 ? string.Empty : " ")
                    .Append(bin.ToString(CultureInfo.InvariantCulture))
                    .Append(':')
                    .Append(counts[bin].ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static double LowerEdge(int bin) => bin == 0 ? 0 : Edges[Math.Min(bin, Edges.Length) - 1];

    private static double UpperEdge(int bin) => bin < Edges.Length ? Edges[bin] : double.PositiveInfinity;

    private static double[] BuildEdges()
    {
        var edges = new List<double>();
        for (var decade = -1; decade < 7; decade++)
        {
            foreach (var mantissa in Mantissas)
            {
                // Rounded so edges print as the decimals they are meant to be (0.125, 2.5, 3150).
                edges.Add(Math.Round(mantissa * Math.Pow(10, decade), 6));
            }
        }

        edges.Add(1e7);
        return [.. edges];
    }
}
