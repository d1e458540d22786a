using System.Globalization;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Scores;
using LlmObserve.Web.Overview;

namespace LlmObserve.Web.Quality;

/// <summary>
/// The charts of one score name: its mean when its scores have values, and its failure rate when their labels can
/// fail.
/// </summary>
public sealed record QualityCharts(QualityScore Score, ChartSpec? Mean, ChartSpec? Rate);

/// <summary>
/// The Quality page as it shows it: per score name, the mean and the failure (hallucination) rate over the range,
/// read from the score rollups and shaped into the overview's chart specs. The page calls LoadAsync again when scores
/// arrive.
/// </summary>
public sealed class QualityViewModel(QualityQueries queries, OverviewQueries overview, FeedbackRateQueries feedback)
{
    /// <summary>
    /// User feedback of the range, over all traffic (the filters do not apply), with signal rates per request.
    /// </summary>
    public FeedbackRates? Feedback { get; private set; }

    public QualityTimeline? Timeline { get; private set; }

    public IReadOnlyList<QualityCharts> Charts { get; private set; } = [];

    /// <summary>Bumped on every load, so charts know to redraw.</summary>
    public int Version { get; private set; }

    public async Task LoadAsync(
        string projectId,
        QualityQuery query,
        TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var timeline = await queries.TimelineAsync(
            projectId,
            query.Range.From,
            query.Range.To,
            zone.GetUtcOffset(query.Range.To),
            query.Filter,
            query.Split,
            cancellationToken);
        var traffic = await overview.TimelineAsync(
            projectId, timeline.From, timeline.To, TimeSpan.Zero, cancellationToken);
        Feedback = await feedback.RatesAsync(
            projectId, timeline.From, timeline.To, traffic.Total.Total.Requests, cancellationToken);
        Timeline = timeline;
        Charts = BuildCharts(timeline, zone);
        Version++;
    }

    /// <summary>
    /// Chart specs per score name. A bucket without scores is a gap, not a zero; the mean is drawn for names with
    /// values in the range, the rate for names with a rate (<see cref="HasRate"/>), titled the hallucination rate for
    /// groundedness-type names. Charts are numbered by the score's place in the timeline.
    /// </summary>
    public static IReadOnlyList<QualityCharts> BuildCharts(QualityTimeline timeline, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var format = timeline.Step >= TimeSpan.FromDays(1) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm";
        var x = timeline.Buckets
            .Select(b => TimeZoneInfo.ConvertTime(b, zone).ToString(format, CultureInfo.InvariantCulture))
            .ToArray();

        IReadOnlyList<ChartLine> Lines(QualityScore score, Func<QualityPoint, double?> value)
            => score.Splits.Count > 0
                ? [.. score.Splits.Select(s => new ChartLine(s.Key, x, [.. s.Points.Select(value)]))]
                : [new ChartLine("all", x, [.. score.Total.Points.Select(value)])];

        return
        [
            .. timeline.Scores.Select((score, i) => new QualityCharts(
                score,
                score.Total.Total.ValueCount == 0
                    ? null
                    : new ChartSpec($"quality-{i}-mean", $"{score.Name}: mean", "mean", Lines(score, p => p.Mean)),
                !HasRate(score)
                    ? null
                    : new ChartSpec(
                        $"quality-{i}-rate",
                        $"{score.Name}: {RateName(score)}",
                        "%",
                        Lines(score, p => p.FailureRate * 100)))),
        ];
    }

    /// <summary>
    /// Whether a failure rate says something about the score: it has labels, and they can fail (a hallucination-type
    /// score, or one of its labels in the range is a failing one). A language or category label has no rate.
    /// </summary>
    public static bool HasRate(QualityScore score)
        => score.Labels.Count > 0 && (score.IsHallucinationType || score.Labels.Any(l => l.Failing));

    /// <summary>What the failure rate of a score is called on the page.</summary>
    public static string RateName(QualityScore score)
        => score.IsHallucinationType ? "hallucination rate" : "failure rate";
}
