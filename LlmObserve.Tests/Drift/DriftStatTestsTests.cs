using LlmObserve.Core.Drift.Statistics;

namespace LlmObserve.Tests.Drift;

/// <summary>
/// Properties of every test where no published figure exists: a window compared with itself does not drift, a
/// clearly shifted window does, permutation tests repeat under one seed; and the automatic choice, the minimum
/// sample size and bad input.
/// </summary>
public sealed class DriftStatTestsTests
{
    public static TheoryData<string> NumericalTests() =>
    [
        .. StatTestCatalog.All.Where(t => t.Accepts(FeatureKind.Numerical)).Select(t => t.Name),
    ];

    public static TheoryData<string> CategoricalOnlyTests() =>
    [
        .. StatTestCatalog.All.Where(t => t.Accepts(FeatureKind.Categorical)).Select(t => t.Name),
    ];

    [Theory]
    [MemberData(nameof(NumericalTests))]
    public void RunNumerical_SameDistribution_DoesNotDrift(string test)
    {
        var pooled = test is "chisquare" or "z" ? Coins(1200, 0.5, 1) : Normal(1200, 0, 1, 1);
        var (reference, current) = (pooled[..600], pooled[600..]);

        var result = DriftStatTests.RunNumerical(reference, current, new DriftTestOptions { Test = test, Seed = 7 });

        Assert.Equal(DriftStatus.Computed, result.Status);
        Assert.False(result.Drifted, $"{test} drifted on one distribution: score {result.Score}");
    }

    [Theory]
    [MemberData(nameof(NumericalTests))]
    public void RunNumerical_ShiftedDistribution_Drifts(string test)
    {
        var pooled = test is "chisquare" or "z" ? Coins(1200, 0.3, 1) : Normal(1200, 0, 1, 1);
        var reference = pooled[..600];
        var current = test is "chisquare" or "z"
            ? pooled[600..].Select((v, i) => i % 2 == 0 ? 1.0 : v).ToArray()
            : pooled[600..].Select(v => v + 1.5).ToArray();

        var result = DriftStatTests.RunNumerical(reference, current, new DriftTestOptions { Test = test, Seed = 7 });

        Assert.True(result.Drifted, $"{test} missed a shift: score {result.Score}");
    }

    [Theory]
    [MemberData(nameof(CategoricalOnlyTests))]
    public void RunCategorical_ReshuffledAndShiftedMix_DriftOnlyWhenShifted(string test)
    {
        string[] labels = test == "fisher_exact" ? ["en", "de"] : ["en", "de", "fr", "es"];
        var reference = Mix(labels, [0.4, 0.3, 0.2, 0.1], 600, 1);
        var same = reference.ToArray();
        new Random(4).Shuffle(same);
        var shifted = Mix(labels, [0.1, 0.2, 0.3, 0.4], 600, 3);
        var options = new DriftTestOptions { Test = test, Seed = 3 };

        var steady = DriftStatTests.RunCategorical(reference, same, options);
        var moved = DriftStatTests.RunCategorical(reference, shifted, options);

        Assert.False(steady.Drifted, $"{test} drifted on a reshuffled window: score {steady.Score}");
        Assert.True(moved.Drifted, $"{test} missed a new mix: score {moved.Score}");
    }

    [Fact]
    public void TotalVariation_SameSeed_RepeatsExactly()
    {
        var reference = Mix(["a", "b", "c"], [0.5, 0.3, 0.2], 300, 1);
        var current = Mix(["a", "b", "c"], [0.45, 0.3, 0.25], 300, 2);

        var first = CategoricalTests.TotalVariationPermutation(reference, current, seed: 11);
        var again = CategoricalTests.TotalVariationPermutation(reference, current, seed: 11);
        var other = CategoricalTests.TotalVariationPermutation(reference, current, seed: 12);

        Assert.Equal(first, again);
        Assert.Equal(first.Statistic, other.Statistic);
        Assert.InRange(first.PValue, 0, 1);
    }

    [Fact]
    public void EmpiricalMmd_SameSeed_RepeatsExactly()
    {
        var reference = Normal(300, 0, 1, 1);
        var current = Normal(300, 0.2, 1, 2);

        var first = EmpiricalMmd.Test(reference, current, seed: 5);
        var again = EmpiricalMmd.Test(reference, current, seed: 5);

        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData(FeatureKind.Numerical, 1000, 6, "ks")]
    [InlineData(FeatureKind.Numerical, 1000, 5, "chisquare")]
    [InlineData(FeatureKind.Numerical, 1000, 3, "chisquare")]
    [InlineData(FeatureKind.Numerical, 1000, 2, "z")]
    [InlineData(FeatureKind.Categorical, 1000, 40, "chisquare")]
    [InlineData(FeatureKind.Categorical, 1000, 2, "z")]
    [InlineData(FeatureKind.Numerical, 1001, 6, "wasserstein")]
    [InlineData(FeatureKind.Numerical, 1001, 5, "jensenshannon")]
    [InlineData(FeatureKind.Categorical, 1001, 40, "jensenshannon")]
    [InlineData(FeatureKind.Categorical, 1001, 2, "jensenshannon")]
    public void ChooseDefault_KindSizeAndDistinctValues_FollowsEvidently(
        FeatureKind kind,
        int referenceCount,
        int distinct,
        string expected)
    {
        var choice = StatTestCatalog.ChooseDefault(kind, referenceCount, distinct);

        Assert.Equal(expected, choice.Test.Name);
        Assert.Contains(referenceCount.ToString(System.Globalization.CultureInfo.InvariantCulture), choice.Reason);
    }

    [Fact]
    public void RunNumerical_LargeReference_ChoosesWassersteinAndShowsHistogram()
    {
        var reference = Normal(5000, 0, 1, 1);
        var current = Normal(5000, 0, 1, 2);

        var result = DriftStatTests.RunNumerical(reference, current);

        Assert.Equal("wasserstein", result.TestName);
        Assert.Contains("> 1000", result.ChoiceReason);
        Assert.NotNull(result.Distribution?.BinEdges);
        Assert.Equal(5000, result.Distribution!.ReferenceCounts.Sum());
        Assert.Equal(5000, result.Distribution.CurrentCounts.Sum());
    }

    [Fact]
    public void RunNumerical_TooFewValues_SaysNotEnoughData()
    {
        var result = DriftStatTests.RunNumerical(
            [1, 2, 3],
            Normal(100, 0, 1, 1),
            new DriftTestOptions { MinimumSampleSize = 30 });

        Assert.Equal(DriftStatus.NotEnoughData, result.Status);
        Assert.False(result.Drifted);
        Assert.Contains("not enough data (n = 3", result.Message);
    }

    [Fact]
    public void RunCategorical_MissingValues_AreCountedAndDropped()
    {
        string?[] reference = ["a", null, "b", "a", null];
        string?[] current = ["a", "b", null, "b"];

        var result = DriftStatTests.RunCategorical(reference, current);

        Assert.Equal(2, result.ReferenceMissing);
        Assert.Equal(1, result.CurrentMissing);
        Assert.Equal(3, result.ReferenceCount);
        Assert.Equal(3, result.CurrentCount);
        Assert.Equal(["a", "b"], result.Distribution!.Categories!.Order());
    }

    [Fact]
    public void RunCategorical_ManyCategories_SumsTheRestIntoOther()
    {
        var reference = Enumerable.Range(0, 100).Select(i => $"c{i % 40}").ToArray();
        var options = new DriftTestOptions { MaxCategoriesShown = 5 };

        var result = DriftStatTests.RunCategorical(reference, reference, options);

        Assert.Equal(6, result.Distribution!.Categories!.Count);
        Assert.Equal(DriftStatTests.OtherCategory, result.Distribution.Categories[^1]);
        Assert.Equal(100, result.Distribution.ReferenceCounts.Sum());
    }

    [Fact]
    public void RunNumerical_UnknownTest_NamesTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DriftStatTests.RunNumerical([1, 2], [1, 2], new DriftTestOptions { Test = "nope" }));

        Assert.Contains("Unknown statistical test 'nope'", error.Message);
        Assert.Contains("wasserstein", error.Message);
    }

    [Fact]
    public void RunNumerical_CategoricalOnlyTest_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DriftStatTests.RunNumerical([1, 2], [1, 2], new DriftTestOptions { Test = "g_test" }));

        Assert.Contains("Categorical", error.Message);
    }

    [Fact]
    public void FisherExact_UnequalWindows_IsRefusedWithTheSizes()
    {
        var error = Assert.Throws<ArgumentException>(
            () => CategoricalTests.FisherExact(["a", "b"], ["a", "b", "a"]));

        Assert.Contains("reference 2, current 3", error.Message);
    }

    [Fact]
    public void KolmogorovSmirnov_BeyondExactLimit_UsesAsymptoticAgreeingWithExact()
    {
        var reference = Normal(3000, 0, 1, 1);
        var current = Normal(3000, 0.08, 1, 2);
        var d = KolmogorovSmirnov.Test(reference, current).Statistic;

        var exact = KolmogorovSmirnov.ExactPValue(3000, 3000, d, KsAlternative.TwoSided);
        var asymptotic = KolmogorovSmirnov.AsymptoticPValue(3000, 3000, d, KsAlternative.TwoSided);

        Assert.InRange(asymptotic, exact * 0.8, exact * 1.25);
    }

    [Fact]
    public void MannWhitney_SmallSamplesWithoutTies_UsesExactDistribution()
    {
        // Every reference value below every current one: U of the reference is 0, and only one arrangement
        // of C(8, 4) = 70 is that extreme.
        var outcome = RankTests.MannWhitneyLess([1, 2, 3, 4], [5, 6, 7, 8]);

        Assert.Equal(0, outcome.Statistic);
        Assert.Equal(1.0 / 70, outcome.PValue, 12);
    }

    [Fact]
    public void AndersonDarling_FarApart_FloorsAtScholzStephensLimit()
    {
        var outcome = RankTests.AndersonDarling(Normal(200, 0, 1, 1), Normal(200, 3, 1, 2));

        Assert.Equal(0.001, outcome.PValue, 12);
    }

    /// <summary>
    /// Normal draws. Seeds are spread apart because .NET's seeded generator gives correlated streams for
    /// neighbouring seeds, which made two "same distribution" windows look shifted.
    /// </summary>
    internal static double[] Normal(int count, double mean, double sd, int seed)
    {
        var random = new Random(Spread(seed));
        return Enumerable.Range(0, count)
            .Select(_ => mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()))
                * Math.Cos(2 * Math.PI * random.NextDouble()))
            .ToArray();
    }

    private static double[] Coins(int count, double p, int seed)
    {
        var random = new Random(Spread(seed));
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() < p ? 1.0 : 0.0).ToArray();
    }

    private static int Spread(int seed) => (int)((seed * 2654435761L) % int.MaxValue);

    private static string[] Mix(string[] labels, double[] weights, int count, int seed)
    {
        var random = new Random(Spread(seed));
        var total = weights.Take(labels.Length).Sum();
        return Enumerable.Range(0, count)
            .Select(_ =>
            {
                var u = random.NextDouble() * total;
                for (var i = 0; i < labels.Length; i++)
                {
                    u -= weights[i];
                    if (u < 0)
                    {
                        return labels[i];
                    }
                }

                return labels[^1];
            })
            .ToArray();
    }
}
