using LlmObserve.Core.Metrics;

namespace LlmObserve.Tests.Metrics;

public sealed class LatencyBinsTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(-5.0, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0.1, 0)]
    [InlineData(0.11, 1)]
    [InlineData(1.0, 10)]
    [InlineData(1.01, 11)]
    [InlineData(2.5, 14)]
    [InlineData(250.0, 34)]
    [InlineData(1e7, 80)]
    [InlineData(1e9, 81)]
    public void BinOf_Latency_FallsInTheBinWhoseUpperEdgeItDoesNotPass(double latencyMs, int bin)
    {
        var actual = LatencyBins.BinOf(latencyMs);

        Assert.Equal(bin, actual);
    }

    [Fact]
    public void UpperEdges_PrometheusBounds_AreExactEdges()
    {
        double[] bounds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000];

        var missing = bounds.Where(b => !LatencyBins.UpperEdgesMs.Contains(b)).ToArray();

        Assert.Empty(missing);
    }

    [Fact]
    public void Quantile_UniformLatencies_WithinOneBinOfTheExactValue()
    {
        var counts = new long[LatencyBins.Count];
        var latencies = Enumerable.Range(1, 1000).Select(i => i * 3.0).ToArray();
        foreach (var latency in latencies)
        {
            counts[LatencyBins.BinOf(latency)]++;
        }

        var p50 = LatencyBins.Quantile(counts, 0.50)!.Value;
        var p95 = LatencyBins.Quantile(counts, 0.95)!.Value;
        var p99 = LatencyBins.Quantile(counts, 0.99)!.Value;

        // Exact: 1500, 2850, 2970 ms. A bin spans at most 26 %, so interpolation stays well within that.
        Assert.InRange(p50, 1500 / 1.26, 1500 * 1.26);
        Assert.InRange(p95, 2850 / 1.26, 2850 * 1.26);
        Assert.InRange(p99, 2970 / 1.26, 2970 * 1.26);
        Assert.True(p50 < p95 && p95 <= p99);
    }

    [Fact]
    public void Quantile_NothingCounted_IsNull()
    {
        var quantile = LatencyBins.Quantile(new long[LatencyBins.Count], 0.5);

        Assert.Null(quantile);
    }

    [Fact]
    public void Quantile_OneLatencyWithItsSum_EveryPercentileIsThatLatency()
    {
        var counts = new long[LatencyBins.Count];
        counts[LatencyBins.BinOf(201)]++;

        var p50 = LatencyBins.Quantile(counts, 0.50, sumMs: 201)!.Value;
        var p95 = LatencyBins.Quantile(counts, 0.95, sumMs: 201)!.Value;
        var p99 = LatencyBins.Quantile(counts, 0.99, sumMs: 201)!.Value;

        Assert.Equal(201, p50, precision: 9);
        Assert.Equal(201, p95, precision: 9);
        Assert.Equal(201, p99, precision: 9);
    }

    [Fact]
    public void Quantile_TwoLatenciesInOneBin_NeverAboveTheLargestPossible()
    {
        // 201 and 210 ms share the bin (200, 250]; read from the bin alone p95 is about 247 ms.
        var counts = new long[LatencyBins.Count];
        counts[LatencyBins.BinOf(201)]++;
        counts[LatencyBins.BinOf(210)]++;

        var p95 = LatencyBins.Quantile(counts, 0.95, sumMs: 411)!.Value;
        var range = LatencyBins.Range(counts, sumMs: 411)!.Value;

        Assert.True(LatencyBins.Quantile(counts, 0.95)!.Value > 240);
        Assert.Equal(211, range.MaxMs, precision: 9);
        Assert.Equal(200, range.MinMs, precision: 9);
        Assert.InRange(p95, 210, 211);
    }

    [Fact]
    public void Quantile_UniformLatenciesWithTheirSum_StayWithinTheObservedRange()
    {
        var counts = new long[LatencyBins.Count];
        var latencies = Enumerable.Range(1, 1000).Select(i => i * 3.0).ToArray();
        foreach (var latency in latencies)
        {
            counts[LatencyBins.BinOf(latency)]++;
        }

        var p99 = LatencyBins.Quantile(counts, 0.99, latencies.Sum())!.Value;
        var p50 = LatencyBins.Quantile(counts, 0.50, latencies.Sum())!.Value;

        Assert.Equal(LatencyBins.Quantile(counts, 0.50), p50);
        Assert.InRange(p99, 2970 / 1.26, 3150);
    }
}
