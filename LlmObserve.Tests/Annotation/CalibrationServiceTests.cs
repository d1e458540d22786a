using LlmObserve.Core.Annotation;
using LlmObserve.Core.Evaluation.Judge;

namespace LlmObserve.Tests.Annotation;

/// <summary>The figures of judge/human pairs and how each side is read as pass or fail.</summary>
public sealed class CalibrationServiceTests
{
    private static readonly IReadOnlySet<string> Failing =
        new HashSet<string>(["hallucinated", "incorrect", "fail"], StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Figures_TwelvePairs_GiveTheMatrixKappaPrecisionAndRecallOfTheFailingClass()
    {
        // 4 both fail, 1 judge fail / human pass, 2 judge pass / human fail, 5 both pass.
        var pairs = Pairs((false, false, 4), (false, true, 1), (true, false, 2), (true, true, 5));

        var figures = CalibrationService.Figures(pairs, minimumPairs: 10);

        Assert.True(figures.Enough);
        Assert.Equal(12, figures.Pairs);
        Assert.Equal(new ConfusionMatrix(4, 1, 2, 5), figures.Matrix);
        Assert.Equal(0.75, figures.AgreementRate!.Value, 12);

        // p_o = 9/12; p_e = (5/12)(6/12) + (7/12)(6/12) = 1/2; kappa = (3/4 - 1/2) / (1/2).
        Assert.Equal(0.5, figures.CohenKappa!.Value, 12);
        Assert.Equal(0.8, figures.FailPrecision!.Value, 12);
        Assert.Equal(4 / 6.0, figures.FailRecall!.Value, 12);
    }

    [Fact]
    public void Figures_BelowTheMinimum_GiveOnlyTheNumberOfPairs()
    {
        var pairs = Pairs((false, false, 3), (true, true, 6));

        var figures = CalibrationService.Figures(pairs, minimumPairs: 10);

        Assert.Equal(new CalibrationFigures(9, false, null, null, null, null, null), figures);
    }

    [Fact]
    public void Figures_JudgeNeverFails_HasNoPrecisionAndAKappaOfZero()
    {
        var pairs = Pairs((true, false, 3), (true, true, 7));

        var figures = CalibrationService.Figures(pairs, minimumPairs: 10);

        Assert.Null(figures.FailPrecision);
        Assert.Equal(0, figures.FailRecall);
        Assert.Equal(0, figures.CohenKappa!.Value, 12);
        Assert.Equal(new ConfusionMatrix(0, 0, 3, 7), figures.Matrix);
    }

    [Fact]
    public void Figures_KappaOfPassAndFail_MatchesTheAgreementStatisticOnTheSameLabels()
    {
        var pairs = Pairs((false, false, 6), (false, true, 3), (true, false, 1), (true, true, 10));

        var figures = CalibrationService.Figures(pairs, minimumPairs: 1);

        var expected = Agreement.CohenKappa(
            [.. pairs.Select(p => p.JudgePass ? "pass" : "fail")],
            [.. pairs.Select(p => p.HumanPass ? "pass" : "fail")]);
        Assert.Equal(expected, figures.CohenKappa);
        Assert.InRange(figures.CohenKappa!.Value, 0.587, 0.588);
    }

    [Theory]
    [InlineData("hallucinated", 0.9, false)]
    [InlineData("GROUNDED", 0.1, true)]
    [InlineData(null, 0.5, true)]
    [InlineData(null, 0.49, false)]
    [InlineData("unheard-of", 0.7, true)]
    public void JudgePasses_ItsOwnLabelDecidesElseTheScore(string? label, double value, bool passes)
    {
        Assert.Equal(passes, CalibrationService.JudgePasses(value, label, JudgeTemplates.Groundedness.Labels, 0.5));
    }

    [Fact]
    public void JudgePasses_NoLabelAndNoScore_IsUnreadable()
    {
        Assert.Null(CalibrationService.JudgePasses(null, "maybe", JudgeTemplates.Groundedness.Labels, 0.5));
    }

    [Theory]
    [InlineData("boolean", 1.0, "true", null, null, true)]
    [InlineData("boolean", 0.0, "false", null, null, false)]
    [InlineData("numeric", 4.0, null, 1.0, 5.0, true)]
    [InlineData("numeric", 2.0, null, 1.0, 5.0, false)]
    [InlineData("categorical", null, "grounded", null, null, true)]
    [InlineData("categorical", null, "Hallucinated", null, null, false)]
    [InlineData("categorical", null, "fail", null, null, false)]
    public void HumanPasses_ReadsEachKindOfLabel(
        string kind,
        double? value,
        string? label,
        double? min,
        double? max,
        bool passes)
    {
        var read = CalibrationService.HumanPasses(
            kind, value, label, min, max, JudgeTemplates.Groundedness.Labels, Failing, 0.5);

        Assert.Equal(passes, read);
    }

    [Theory]
    [InlineData("categorical", "friendly")]
    [InlineData("text", "looks fine")]
    public void HumanPasses_ACategoryThatIsNeitherPassNorFailOrFreeText_IsUnmapped(string kind, string label)
    {
        Assert.Null(CalibrationService.HumanPasses(
            kind, null, label, null, null, JudgeTemplates.Groundedness.Labels, Failing, 0.5));
    }

    [Fact]
    public void BucketStart_AWeekStartsOnMondayInUtc()
    {
        var sunday = new DateTimeOffset(2026, 12, 6, 23, 30, 0, TimeSpan.FromHours(-2));

        Assert.Equal(
            new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
            CalibrationService.BucketStart(sunday, CalibrationBucket.Week));
        Assert.Equal(
            new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero),
            CalibrationService.BucketStart(sunday, CalibrationBucket.Day));
        Assert.Equal(
            new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
            CalibrationService.BucketStart(sunday.AddDays(-1), CalibrationBucket.Week));
    }

    private static List<CalibrationPair> Pairs(params (bool Judge, bool Human, int Count)[] groups)
        =>
        [
            .. groups.SelectMany(g => Enumerable.Repeat(
                new CalibrationPair("1", DateTimeOffset.UnixEpoch, g.Judge, g.Human),
                g.Count)),
        ];
}
