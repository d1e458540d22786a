using System.Globalization;
using LlmObserve.Core.Scores;
using LlmObserve.Web.Overview;

namespace LlmObserve.Web.Quality;

/// <summary>The charts of one score name: its mean, and its failure rate when its scores carry labels.</summary>
public sealed record QualityCharts(QualityScore Score, ChartSpec Mean, ChartSpec? Rate);

/// <summary>
/// The Quality page as it shows it: per score name, the mean and the failure (hallucination) rate over the range,
/// read from the score rollups and shaped into the overview's chart specs. The page calls LoadAsync again when scores
/// arrive.
/// </summary>
public sealed class QualityViewModel(QualityQueries queries)
{
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
        Timeline = timeline;
        Charts = BuildCharts(timeline, zone);
        Version++;
    }

    /// <summary>
    /// Chart specs per score name. A bucket without scores is a gap, not a zero; the rate chart is drawn for names
    /// whose scores carry labels, titled the hallucination rate for groundedness-type names.
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
                new ChartSpec($"quality-{i}-mean", $"{score.Name}: mean", "mean", Lines(score, p => p.Mean)),
                score.Labels.Count == 0
                    ? null
                    : new ChartSpec(
                        $"quality-{i}-rate",
                        $"{score.Name}: {RateName(score)}",
                        "%",
                        Lines(score, p => p.FailureRate * 100)))),
        ];
    }

    /// <summary>What the failure rate of a score is called on the page.</summary>
    public static string RateName(QualityScore score)
        => score.IsHallucinationType ? "hallucination rate" : "failure rate";
}
