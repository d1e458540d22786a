using System.Globalization;
using LlmObserve.Core.Metrics;

namespace LlmObserve.Web.Overview;

/// <summary>One line of a chart, with its x values already in the viewer's time zone.</summary>
public sealed record ChartLine(string Name, IReadOnlyList<string> X, IReadOnlyList<double?> Y);

/// <summary>What a chart shows; the chart component turns it into Plotly traces.</summary>
public sealed record ChartSpec(string Id, string Title, string Unit, IReadOnlyList<ChartLine> Lines);

/// <summary>How the overview's series are split.</summary>
public enum OverviewSplit
{
    Environment,
    Model,
}

/// <summary>
/// The overview dashboard as the page shows it: totals, charts and top lists for one range, read from the rollups
/// and shaped for display. The page owns a view model per circuit and calls LoadAsync again when
/// new data arrives.
/// </summary>
public sealed class OverviewViewModel(OverviewQueries queries)
{
    public OverviewTimeline? Timeline { get; private set; }

    public OverviewLeaders? Leaders { get; private set; }

    public IReadOnlyList<ChartSpec> Charts { get; private set; } = [];

    /// <summary>The environments and models of the range, for the filters; kept from the unfiltered load.</summary>
    public IReadOnlyList<string> Environments { get; private set; } = [];

    public IReadOnlyList<string> Models { get; private set; } = [];

    /// <summary>Bumped on every load, so charts know to redraw.</summary>
    public int Version { get; private set; }

    public async Task LoadAsync(
        string projectId,
        OverviewRange range,
        OverviewSplit split,
        TimeZoneInfo zone,
        CancellationToken cancellationToken)
        => await LoadAsync(projectId, range, split, OverviewFilter.None, zone, cancellationToken);

    public async Task LoadAsync(
        string projectId,
        OverviewRange range,
        OverviewSplit split,
        OverviewFilter filter,
        TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        var offset = zone.GetUtcOffset(range.To);
        var timeline = await queries.TimelineAsync(
            projectId, range.From, range.To, offset, filter, cancellationToken);
        var leaders = await queries.LeadersAsync(
            projectId, range.From, range.To, OverviewQueries.DefaultLeaders, filter, cancellationToken);

        if (filter.IsEmpty)
        {
            Environments = [.. timeline.ByEnvironment.Select(e => e.Key)];
            Models = [.. timeline.ByModel.Select(m => m.Key).Order(StringComparer.Ordinal)];
        }

        Timeline = timeline;
        Leaders = leaders;
        Charts = BuildCharts(timeline, split, zone);
        Version++;
    }

    /// <summary>
    /// The chart specs for a timeline, each split as asked (latency shows the total's percentiles). Cost has no
    /// value, a gap, where every call was unpriced, and no line for a series none of whose calls had a price.
    /// </summary>
    public static IReadOnlyList<ChartSpec> BuildCharts(
        OverviewTimeline timeline,
        OverviewSplit split,
        TimeZoneInfo zone)
    {
        var format = timeline.Step >= TimeSpan.FromDays(1) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm";
        var x = timeline.Buckets
            .Select(b => TimeZoneInfo.ConvertTime(b, zone).ToString(format, CultureInfo.InvariantCulture))
            .ToArray();
        var parts = split == OverviewSplit.Model ? timeline.ByModel : timeline.ByEnvironment;

        ChartLine Line(string name, IEnumerable<OverviewPoint> points, Func<OverviewPoint, double?> value)
            => new(name, x, [.. points.Select(value)]);

        IReadOnlyList<ChartLine> Split(Func<OverviewPoint, double?> value)
            => parts.Count > 0
                ? [.. parts.Select(p => Line(p.Key, p.Points, value))]
                : [Line("all", timeline.Total.Points, value)];

        return
        [
            new ChartSpec("requests", "Requests", "traces", Split(p => p.Requests)),
            new ChartSpec("error-rate", "Error rate", "%", Split(p => p.ErrorRate * 100)),
            new ChartSpec(
                "latency",
                "Latency",
                "ms",
                [
                    Line("p50", timeline.Total.Points, p => p.P50Ms),
                    Line("p95", timeline.Total.Points, p => p.P95Ms),
                    Line("p99", timeline.Total.Points, p => p.P99Ms),
                ]),
            new ChartSpec("tokens", "Tokens", "tokens", Split(p => p.TotalTokens)),
            new ChartSpec(
                "cost",
                "Cost",
                "USD",
                parts.Count > 0
                    ? [
                        .. parts.Where(p => p.Total.CostUsd is not null)
                            .Select(p => Line(p.Key, p.Points, p => (double?)p.CostUsd)),
                    ]
                    : [Line("all", timeline.Total.Points, p => (double?)p.CostUsd)]),
        ];
    }
}
