using LlmObserve.Core.Metrics;
using LlmObserve.Web.Overview;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Overview;

/// <summary>How the overview turns a timeline into chart lines: labels, series shown and money.</summary>
public sealed class OverviewChartsTests
{
    private static readonly TimeZoneInfo _berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void BucketLabels_HourlyAcrossTheEndOfSummerTime_EveryLabelDiffers()
    {
        // 2026-10-25: at 01:00 UTC Berlin goes from 03:00 CEST back to 02:00 CET, so 02:00 local happens twice.
        var first = new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero);
        var buckets = Enumerable.Range(0, 6).Select(i => first.AddHours(i)).ToArray();

        var labels = OverviewViewModel.BucketLabels(buckets, TimeSpan.FromHours(1), _berlin);

        Assert.Equal(labels.Count, labels.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("2026-10-25 00:00", labels[0]);
        Assert.Equal("2026-10-25 02:00 +02:00", labels[2]);
        Assert.Equal("2026-10-25 02:00 +01:00", labels[3]);
        Assert.Equal("2026-10-25 04:00", labels[5]);
    }

    [Fact]
    public void BucketLabels_QuarterHoursInTheRepeatedHour_EveryLabelDiffers()
    {
        var first = new DateTimeOffset(2026, 10, 24, 23, 30, 0, TimeSpan.Zero);
        var buckets = Enumerable.Range(0, 12).Select(i => first.AddMinutes(15 * i)).ToArray();

        var labels = OverviewViewModel.BucketLabels(buckets, TimeSpan.FromMinutes(15), _berlin);

        Assert.Equal(labels.Count, labels.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void BuildCharts_TwelveModels_ShowsTheBusiestSevenAndOtherWithTheRestAddedUp()
    {
        var models = Enumerable.Range(1, 12)
            .Select(i => Series($"model-{i:00}", requests: i * 10, cost: i == 1 ? null : i * 0.001m))
            .ToArray();
        var timeline = Timeline(models);

        var charts = OverviewViewModel.BuildCharts(timeline, OverviewSplit.Model, TimeZoneInfo.Utc);

        var requests = charts.Single(c => c.Id == "requests").Lines;
        Assert.Equal(OverviewViewModel.MaxSplitSeries, requests.Count);
        Assert.Equal(
            ["model-06", "model-07", "model-08", "model-09", "model-10", "model-11", "model-12", "other"],
            requests.Select(l => l.Name));

        // model-01 to -05: 10 + 20 + 30 + 40 + 50 requests, split over the two buckets.
        var other = requests[^1];
        Assert.Equal(75, other.Y[0]);
        Assert.Equal(75, other.Y[1]);

        // Their cost is the known part: model-01 is unpriced.
        var otherCost = charts.Single(c => c.Id == "cost").Lines.Single(l => l.Name == "other");
        Assert.Equal((double)((0.002m + 0.003m + 0.004m + 0.005m) / 2), otherCost.Y[0]!.Value, precision: 12);
    }

    [Fact]
    public void BuildCharts_EightEnvironments_AllKeepTheirLines()
    {
        var environments = Enumerable.Range(1, 8).Select(i => Series($"env-{i}", requests: 2, cost: 0.01m)).ToArray();
        var timeline = Timeline(environments, byEnvironment: true);

        var charts = OverviewViewModel.BuildCharts(timeline, OverviewSplit.Environment, TimeZoneInfo.Utc);

        Assert.Equal(environments.Select(e => e.Key), charts[0].Lines.Select(l => l.Name));
    }

    [Fact]
    public void BuildCharts_Cost_HoverTextIsThePagesMoneyFormat()
    {
        var timeline = Timeline([Series("gpt-4o", requests: 2, cost: 0.000024m), Series("big", 2, 2468.024m)]);

        var cost = OverviewViewModel.BuildCharts(timeline, OverviewSplit.Model, TimeZoneInfo.Utc)
            .Single(c => c.Id == "cost");

        Assert.True(cost.Money);
        Assert.Equal(["$0.000012", "$0.000012"], cost.Lines.Single(l => l.Name == "gpt-4o").Text);
        Assert.Equal(["$1,234.01", "$1,234.01"], cost.Lines.Single(l => l.Name == "big").Text);
        Assert.Equal(TraceFormat.Cost(0.000012m), cost.Lines[0].Text![0]);
    }

    // A series of two one-minute buckets, its requests and cost split evenly between them.
    private static OverviewSeries Series(string key, long requests, decimal? cost)
    {
        var point = OverviewPoint.Empty with
        {
            Requests = requests / 2,
            TotalTokens = requests * 5,
            CostUsd = cost / 2,
            ModelCalls = requests / 2,
            UnpricedCalls = cost is null ? requests / 2 : 0,
        };
        var total = point with
        {
            Requests = requests,
            TotalTokens = requests * 10,
            CostUsd = cost,
            ModelCalls = requests,
            UnpricedCalls = point.UnpricedCalls * 2,
        };
        return new OverviewSeries(key, [point, point], total);
    }

    private static OverviewTimeline Timeline(IReadOnlyList<OverviewSeries> series, bool byEnvironment = false)
    {
        var from = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
        var all = new OverviewSeries("all", [OverviewPoint.Empty, OverviewPoint.Empty], OverviewPoint.Empty);
        return new OverviewTimeline(
            from,
            from.AddMinutes(2),
            TimeSpan.FromMinutes(1),
            [from, from.AddMinutes(1)],
            all,
            byEnvironment ? series : [],
            byEnvironment ? [] : series,
            [],
            0);
    }
}
