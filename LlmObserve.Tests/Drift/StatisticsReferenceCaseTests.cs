using LlmObserve.Core.Drift.Statistics;
using static LlmObserve.Tests.Drift.DriftReferenceCases;

namespace LlmObserve.Tests.Drift;

/// <summary>
/// Every case of reference/drift-reference-cases.json about a column statistic, one test per case id, within the
/// tolerance the file gives. The embedding case (AR-01) is in EmbeddingDriftTests.
/// </summary>
public sealed class StatisticsReferenceCaseTests
{
    [Theory]
    [InlineData("SC-KS-02")]
    [InlineData("SC-KS-03")]
    [InlineData("SC-KS-04")]
    [InlineData("SC-KS-05")]
    [InlineData("SC-KS-06")]
    [InlineData("SC-KS-08")]
    [InlineData("SC-KS-09")]
    [InlineData("SC-KS-11")]
    public void KolmogorovSmirnov_ScipyCase_MatchesStatisticAndPValue(string id)
    {
        var alternative = Case(id).GetProperty("params").GetProperty("alternative").GetString() switch
        {
            "greater" => KsAlternative.Greater,
            "less" => KsAlternative.Less,
            _ => KsAlternative.TwoSided,
        };

        var outcome = KolmogorovSmirnov.Test(Numbers(id, "reference"), Numbers(id, "current"), alternative);

        AssertClose(id, Expected(id, "statistic"), outcome.Statistic);
        AssertClose(id, Expected(id, "p_value"), outcome.PValue);
    }

    [Fact]
    public void Psi_NumericalSturgesCase_MatchesBinsSharesAndIndex()
    {
        const string id = "DV-01";
        var reference = Numbers(id, "reference");
        var current = Numbers(id, "current");

        var shares = Binning.Numerical(reference, current, fillZeroes: true);
        var result = DriftStatTests.RunNumerical(reference, current, new DriftTestOptions { Test = "psi" });

        Assert.Equal(ExpectedArray(id, "bins").Length, shares.Edges!.Length);
        foreach (var (expected, actual) in ExpectedArray(id, "bins").Zip(shares.Edges))
        {
            AssertClose(id, expected, actual);
        }

        foreach (var (expected, actual) in ExpectedArray(id, "ref_pct").Zip(shares.Reference))
        {
            AssertClose(id, expected, actual);
        }

        foreach (var (expected, actual) in ExpectedArray(id, "cur_pct").Zip(shares.Current))
        {
            AssertClose(id, expected, actual);
        }

        AssertClose(id, Expected(id, "psi"), result.Score);
        Assert.Equal(DriftScoreKind.Distance, result.ScoreKind);
    }

    [Fact]
    public void NormedWasserstein_EvidentlyCase_MatchesDistance()
    {
        const string id = "DV-04";

        var result = DriftStatTests.RunNumerical(
            Numbers(id, "reference"),
            Numbers(id, "current"),
            new DriftTestOptions { Test = "wasserstein" });

        AssertClose(id, Expected(id, "wasserstein_norm"), result.Score);
    }

    [Theory]
    [InlineData("EV-01")]
    [InlineData("EV-03")]
    public void ChiSquare_EvidentlyCase_MatchesPValue(string id)
    {
        var result = DriftStatTests.RunCategorical(
            Labels(id, "reference"),
            Labels(id, "current"),
            new DriftTestOptions { Test = "chisquare", Threshold = 0.5 });

        AssertClose(id, Expected(id, "p_value"), result.Score);
        if (Case(id).GetProperty("expected").TryGetProperty("drift_at_threshold_0.5", out var drift))
        {
            Assert.Equal(drift.GetBoolean(), result.Drifted);
        }
    }

    [Fact]
    public void ProportionZ_MissingValuesAtTestLevel_CountAsNotFirstKey()
    {
        const string id = "EV-09";

        var outcome = CategoricalTests.ProportionZ(Labels(id, "reference"), Labels(id, "current"));

        AssertClose(id, Expected(id, "p_value"), outcome.PValue);
    }

    [Fact]
    public void EmpiricalMmd_IdenticalBinarySamples_GivesHighPValue()
    {
        const string id = "EV-14";

        var result = DriftStatTests.RunNumerical(
            Numbers(id, "reference"),
            Numbers(id, "current"),
            new DriftTestOptions { Test = "empirical_mmd", Threshold = 0.1 });

        AssertClose(id, Expected(id, "p_value"), result.Score);
        Assert.Equal(ExpectedFlag(id, "drift_at_threshold_0.1"), result.Drifted);
    }

    [Theory]
    [InlineData("EV-18c")]
    [InlineData("EV-18d")]
    [InlineData("EV-18e")]
    public void FisherExact_EvidentlyCase_MatchesPValueAndVerdict(string id)
    {
        var result = DriftStatTests.RunCategorical(
            Labels(id, "reference"),
            Labels(id, "current"),
            new DriftTestOptions { Test = "fisher_exact", Threshold = 0.1 });

        AssertClose(id, Expected(id, "p_value"), result.Score);
        Assert.Equal(ExpectedFlag(id, "drift_at_threshold_0.1"), result.Drifted);
    }

    [Fact]
    public void MannWhitney_EvidentlyCase_MatchesOneSidedPValue()
    {
        const string id = "EV-19";

        var result = DriftStatTests.RunNumerical(
            Numbers(id, "reference"),
            Numbers(id, "current"),
            new DriftTestOptions { Test = "mannw" });

        AssertClose(id, Expected(id, "p_value"), result.Score);
    }

    [Fact]
    public void EnergyDistance_IdenticalSamples_IsZero()
    {
        const string id = "EV-21";

        var result = DriftStatTests.RunNumerical(
            Numbers(id, "reference"),
            Numbers(id, "current"),
            new DriftTestOptions { Test = "ed" });

        AssertClose(id, Expected(id, "distance"), result.Score);
        Assert.False(result.Drifted);
    }

    [Fact]
    public void EppsSingleton_EvidentlyCase_MatchesPValue()
    {
        const string id = "EV-23";

        var result = DriftStatTests.RunNumerical(
            Numbers(id, "reference"),
            Numbers(id, "current"),
            new DriftTestOptions { Test = "es" });

        AssertClose(id, Expected(id, "p_value"), result.Score);
    }

    [Fact]
    public void Psi_CategoricalPathWithEmptyReferenceBin_FillsAndDrifts()
    {
        const string id = "EV-25";

        var result = DriftStatTests.RunCategorical(
            Labels(id, "reference"),
            Labels(id, "current"),
            new DriftTestOptions { Test = "psi", Threshold = 0.1 });

        AssertClose(id, Expected(id, "psi"), result.Score);
        Assert.Equal(ExpectedFlag(id, "drift_at_threshold_0.1"), result.Drifted);
    }

    [Fact]
    public void AutomaticChoice_ThreeValuesEachSide_PicksChiSquareWithoutDrift()
    {
        const string id = "EV-26";

        var result = DriftStatTests.RunNumerical(Numbers(id, "reference"), Numbers(id, "current"));

        Assert.Equal(Case(id).GetProperty("expected").GetProperty("stattest").GetString(), result.TestName);
        AssertClose(id, Expected(id, "p_value"), result.Score);
        Assert.Equal(ExpectedFlag(id, "drift"), result.Drifted);
        Assert.NotNull(result.ChoiceReason);
    }

    [Fact]
    public void DatasetDrift_OneOfThreeColumns_IsBelowDefaultShare()
    {
        const string id = "EV-30";
        var same = DriftStatTests.RunNumerical([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]);
        var moved = DriftStatTests.RunNumerical([1, 2, 3, 4, 5, 6, 7], [11, 12, 13, 14, 15, 16, 17]);

        var summary = DatasetDriftSummary.From([same, same, moved]);

        Assert.Equal((int)Expected(id, "number_of_columns"), summary.NumberOfColumns);
        Assert.Equal((int)Expected(id, "number_of_drifted_columns"), summary.NumberOfDriftedColumns);
        AssertClose(id, Expected(id, "share_of_drifted_columns"), summary.ShareOfDriftedColumns);
        Assert.Equal(ExpectedFlag(id, "dataset_drift"), summary.DatasetDrift);
    }

    [Fact]
    public void ChiSquare_UniformExpected_MatchesScipyDocstring()
    {
        const string id = "SC-CHI-01";
        var observed = Numbers(id, "reference");
        var expected = Enumerable.Repeat(observed.Average(), observed.Length).ToArray();

        var outcome = CategoricalTests.ChiSquareOfCounts(observed, expected);

        AssertClose(id, Expected(id, "statistic"), outcome.Statistic);
        AssertClose(id, Expected(id, "p_value"), outcome.PValue);
    }

    [Fact]
    public void CramerVonMises_ConoverExample_MatchesStatisticAndExactPValue()
    {
        const string id = "SC-CVM-01";

        var outcome = RankTests.CramerVonMises(Numbers(id, "reference"), Numbers(id, "current"));

        AssertClose(id, Expected(id, "statistic"), outcome.Statistic, "statistic");
        AssertClose(id, Expected(id, "p_value"), outcome.PValue, "p");
    }

    [Fact]
    public void CramerVonMises_ExactPValueFromU_MatchesAndersonTable()
    {
        const string id = "SC-CVM-02";

        var p = RankTests.CramerVonMisesExactPValue(Param(id, "U"), (int)Param(id, "m"), (int)Param(id, "n"));

        AssertClose(id, Expected(id, "p_value"), p);
    }

    [Theory]
    [InlineData("SC-E-01")]
    [InlineData("SC-E-02")]
    public void EnergyDistance_ScipyDocstring_MatchesDistance(string id)
    {
        var (uw, vw) = Weights(id);

        var distance = Distances.Energy(Numbers(id, "reference"), Numbers(id, "current"), uw, vw);

        AssertClose(id, Expected(id, "distance"), distance);
    }

    [Fact]
    public void EppsSingleton_ScipyCase_MatchesStatisticAndPValue()
    {
        const string id = "SC-ES-02";

        var outcome = RankTests.EppsSingleton(Numbers(id, "reference"), Numbers(id, "current"));

        AssertClose(id, Expected(id, "statistic"), outcome.Statistic, "statistic");
        AssertClose(id, Expected(id, "p_value"), outcome.PValue, "p");
    }

    [Theory]
    [InlineData("SC-JS-01")]
    [InlineData("SC-JS-02")]
    public void JensenShannon_ScipyDocstring_MatchesDistance(string id)
    {
        double? logBase = Params(id) is { } p && p.TryGetProperty("base", out var b) ? b.GetDouble() : null;

        var distance = Distances.JensenShannon(Numbers(id, "reference"), Numbers(id, "current"), logBase);

        AssertClose(id, Expected(id, "distance"), distance);
    }

    [Fact]
    public void TTest_WelchCase_MatchesRReference()
    {
        const string id = "SC-T-02";

        var outcome = RankTests.TTest(Numbers(id, "reference"), Numbers(id, "current"), equalVariances: false);

        AssertClose(id, Expected(id, "statistic"), outcome.Statistic);
        AssertClose(id, Expected(id, "p_value"), outcome.PValue);
    }

    [Fact]
    public void Wasserstein_WeightedScipyDocstring_MatchesDistance()
    {
        const string id = "SC-W-02";
        var (uw, vw) = Weights(id);

        var distance = Distances.Wasserstein(Numbers(id, "reference"), Numbers(id, "current"), uw, vw);

        AssertClose(id, Expected(id, "distance"), distance);
    }

    [Fact]
    public void ReferenceFile_EveryCase_HasATest()
    {
        string[] covered =
        [
            "AR-01", "DV-01", "DV-04", "EV-01", "EV-03", "EV-09", "EV-14", "EV-18c", "EV-18d", "EV-18e", "EV-19",
            "EV-21", "EV-23", "EV-25", "EV-26", "EV-30", "SC-CHI-01", "SC-CVM-01", "SC-CVM-02", "SC-E-01", "SC-E-02",
            "SC-ES-02", "SC-JS-01", "SC-JS-02", "SC-KS-02", "SC-KS-03", "SC-KS-04", "SC-KS-05", "SC-KS-06",
            "SC-KS-08", "SC-KS-09", "SC-KS-11", "SC-T-02", "SC-W-02",
        ];

        var uncovered = Ids.Except(covered).ToArray();

        Assert.Empty(uncovered);
    }

    private static (double[]? U, double[]? V) Weights(string id)
    {
        if (Params(id) is not { } p || !p.TryGetProperty("u_weights", out var u))
        {
            return (null, null);
        }

        return (
            u.EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            p.GetProperty("v_weights").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }
}
