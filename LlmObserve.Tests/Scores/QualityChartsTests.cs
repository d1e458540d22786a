using LlmObserve.Core.Scores;
using LlmObserve.Web.Quality;

namespace LlmObserve.Tests.Scores;

/// <summary>Which charts the Quality page draws for a score name, and what they plot.</summary>
public sealed class QualityChartsTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BuildCharts_GroundednessLanguageAndTone_DrawsMeansWhereValuesAndRatesWhereLabelsCanFail()
    {
        var timeline = Timeline(
            Score(
                "groundedness",
                true,
                [new(2, 2, 0.5, 2, 1), QualityPoint.Empty],
                new LabelCount("grounded", 1, false),
                new LabelCount("hallucinated", 1, true)),
            Score("language", false, [new(1, 0, null, 1, 0), QualityPoint.Empty], new LabelCount("en", 1, false)),
            Score("tone", false, [QualityPoint.Empty, new(1, 1, 0.75, 1, 1)], new LabelCount("toxic", 1, true)));

        var charts = QualityViewModel.BuildCharts(timeline, TimeZoneInfo.Utc);

        Assert.Equal(["quality-0-mean", null, "quality-2-mean"], charts.Select(c => c.Mean?.Id));
        Assert.Equal(["quality-0-rate", null, "quality-2-rate"], charts.Select(c => c.Rate?.Id));
        Assert.Equal("groundedness: hallucination rate", charts[0].Rate!.Title);
        Assert.Equal("tone: failure rate", charts[2].Rate!.Title);
        var mean = Assert.Single(charts[0].Mean!.Lines);
        Assert.Equal(["2026-12-04 10:00", "2026-12-04 10:01"], mean.X);
        Assert.Equal([0.5, null], mean.Y);
        Assert.Equal([50.0, null], Assert.Single(charts[0].Rate!.Lines).Y);
        Assert.Equal([null, 100.0], Assert.Single(charts[2].Rate!.Lines).Y);
    }

    private static QualityScore Score(
        string name,
        bool hallucinationType,
        QualityPoint[] points,
        params LabelCount[] labels)
        => new(name, hallucinationType, new QualitySeries(name, points, points.MaxBy(p => p.Count)!), [], labels);

    private static QualityTimeline Timeline(params QualityScore[] scores)
        => new(From, From.AddMinutes(2), TimeSpan.FromMinutes(1), [From, From.AddMinutes(1)], QualitySplit.None, scores,
            [], [], []);
}
