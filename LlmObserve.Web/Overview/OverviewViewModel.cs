using System.Globalization;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Metrics;
using LlmObserve.Web.Traces;

namespace LlmObserve.Web.Overview;

/// <summary>
/// One line of a chart, with its x values already labelled in the viewer's time zone and, for money, each value as
/// the pages write it (<see cref="Traces.TraceFormat.Cost(double?)"/>), which the chart shows on hover.
/// </summary>
public sealed record ChartLine(
    string Name,
    IReadOnlyList<string> X,
    IReadOnlyList<double?> Y,
    IReadOnlyList<string>? Text = null);

/// <summary>
/// What a chart shows; the chart component turns it into Plotly traces. With <see cref="Money"/> the values are US
/// dollars, and ticks and hovers are written as money.
/// </summary>
public sealed record ChartSpec(
    string Id,
    string Title,
    string Unit,
    IReadOnlyList<ChartLine> Lines,
    bool Money = false);

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
public sealed class OverviewViewModel(OverviewQueries queries, FeedbackRateQueries feedback)
{
    /// <summary>User feedback of the range, over all traffic: the environment and model filters do not apply.</summary>
    public FeedbackRates? Feedback { get; private set; }

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

        Feedback = await feedback.RatesAsync(
            projectId,
            timeline.From,
            timeline.To,
            filter.IsEmpty ? timeline.Total.Total.Requests : null,
            cancellationToken);
        Timeline = timeline;
        Leaders = leaders;
        Charts = BuildCharts(timeline, split, zone);
        Version++;
    }

    /// <summary>Most lines a split chart draws; beyond, the smallest series by requests fold into "other".</summary>
    public const int MaxSplitSeries = 8;

    /// <summary>The name of the line that holds the folded series.</summary>
    public const string OtherSeries = "other";

    /// <summary>
    /// The chart specs for a timeline, each split as asked (latency shows the total's percentiles). Cost has no
    /// value, a gap, where every call was unpriced, and no line for a series none of whose calls had a price. With
    /// more than <see cref="MaxSplitSeries"/> environments or models, the busiest keep their lines and the rest
    /// share one, <see cref="OtherSeries"/>.
    /// </summary>
    public static IReadOnlyList<ChartSpec> BuildCharts(
        OverviewTimeline timeline,
        OverviewSplit split,
        TimeZoneInfo zone)
    {
        var x = BucketLabels(timeline.Buckets, timeline.Step, zone);
        var parts = TopSeries(split == OverviewSplit.Model ? timeline.ByModel : timeline.ByEnvironment);

        ChartLine Line(string name, IEnumerable<OverviewPoint> points, Func<OverviewPoint, double?> value)
            => new(name, x, [.. points.Select(value)]);

        ChartLine CostLine(string name, IReadOnlyList<OverviewPoint> points)
            => new(
                name,
                x,
                [.. points.Select(p => (double?)p.CostUsd)],
                [.. points.Select(p => TraceFormat.Cost((double?)p.CostUsd))]);

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
                    ? [.. parts.Where(p => p.Total.CostUsd is not null).Select(p => CostLine(p.Key, p.Points))]
                    : [CostLine("all", timeline.Total.Points)],
                Money: true),
        ];
    }

    /// <summary>
    /// The x labels of the buckets in the viewer's zone, each one different: a wall-clock time that a change from
    /// summer time happens twice (02:00 then 02:00 again) carries its UTC offset, so the two buckets stay apart.
    /// </summary>
    public static IReadOnlyList<string> BucketLabels(
        IReadOnlyList<DateTimeOffset> buckets,
        TimeSpan step,
        TimeZoneInfo zone)
    {
        var format = step >= TimeSpan.FromDays(1) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm";
        var labels = new string[buckets.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buckets.Count; i++)
        {
            var local = TimeZoneInfo.ConvertTime(buckets[i], zone);
            var label = local.ToString(format, CultureInfo.InvariantCulture);
            var ambiguous = step < TimeSpan.FromDays(1) && zone.IsAmbiguousTime(local);
            if (ambiguous || !seen.Add(label))
            {
                label += " " + local.ToString("zzz", CultureInfo.InvariantCulture);
                seen.Add(label);
            }

            labels[i] = label;
        }

        return labels;
    }

    /// <summary>
    /// The series a split chart draws: all of them up to <see cref="MaxSplitSeries"/>; beyond, the busiest by
    /// requests (in their given order) and one <see cref="OtherSeries"/> that adds up the rest.
    /// </summary>
    public static IReadOnlyList<OverviewSeries> TopSeries(IReadOnlyList<OverviewSeries> parts)
    {
        if (parts.Count <= MaxSplitSeries)
        {
            return parts;
        }

        var kept = parts
            .OrderByDescending(p => p.Total.Requests)
            .ThenByDescending(p => p.Total.CostUsd ?? 0)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(MaxSplitSeries - 1)
            .ToHashSet();
        var rest = parts.Where(p => !kept.Contains(p)).ToList();
        var points = Enumerable.Range(0, rest[0].Points.Count)
            .Select(i => Fold(rest.Select(p => p.Points[i])))
            .ToArray();
        var other = new OverviewSeries(OtherSeries, points, Fold(rest.Select(p => p.Total)));
        return [.. parts.Where(kept.Contains), other];
    }

    /// <summary>
    /// Points of several series added up: counts, tokens and the known cost (null only when every one is null, as
    /// for a single series). Percentiles cannot be added and are left out.
    /// </summary>
    private static OverviewPoint Fold(IEnumerable<OverviewPoint> points)
    {
        var sum = OverviewPoint.Empty with { CostUsd = null };
        foreach (var p in points)
        {
            sum = sum with
            {
                Requests = sum.Requests + p.Requests,
                Errors = sum.Errors + p.Errors,
                InputTokens = sum.InputTokens + p.InputTokens,
                OutputTokens = sum.OutputTokens + p.OutputTokens,
                CachedTokens = sum.CachedTokens + p.CachedTokens,
                ReasoningTokens = sum.ReasoningTokens + p.ReasoningTokens,
                TotalTokens = sum.TotalTokens + p.TotalTokens,
                CostUsd = p.CostUsd is { } cost ? (sum.CostUsd ?? 0) + cost : sum.CostUsd,
                ModelCalls = sum.ModelCalls + p.ModelCalls,
                UnpricedCalls = sum.UnpricedCalls + p.UnpricedCalls,
                EstimatedCalls = sum.EstimatedCalls + p.EstimatedCalls,
            };
        }

        return sum;
    }
}
