using System.Globalization;

namespace LlmObserve.Core.Drift.Statistics;

/// <summary>How a single feature comparison runs.</summary>
public sealed record DriftTestOptions
{
    /// <summary>A test name from <see cref="StatTestCatalog"/>, or null for Evidently's automatic choice.</summary>
    public string? Test { get; init; }

    /// <summary>The threshold; null for the test's default.</summary>
    public double? Threshold { get; init; }

    /// <summary>Fewer values than this in either window give "not enough data" instead of a verdict.</summary>
    public int MinimumSampleSize { get; init; } = 1;

    /// <summary>Seed of the permutation tests (TVD, empirical MMD), so a run can be repeated exactly.</summary>
    public int Seed { get; init; }

    /// <summary>Most categories the page's bar chart keeps; the rest are summed into "(other)".</summary>
    public int MaxCategoriesShown { get; init; } = 30;
}

/// <summary>
/// The entry point a drift monitor calls per feature: drops missing values (counting them), refuses too-small
/// windows, picks the test (named or automatic), runs it and returns a <see cref="DriftTestResult"/> with the
/// histogram or category counts of both windows.
/// </summary>
public static class DriftStatTests
{
    /// <summary>Label of the bar that sums the categories beyond the shown ones.</summary>
    public const string OtherCategory = "(other)";

    /// <summary>Compares two windows of a numerical feature; NaN counts as missing.</summary>
    /// <exception cref="ArgumentException">The named test does not exist, does not apply to numbers, or its
    /// preconditions fail (the message says which).</exception>
    public static DriftTestResult RunNumerical(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        DriftTestOptions? options = null)
    {
        options ??= new DriftTestOptions();
        var r = reference.Where(v => !double.IsNaN(v)).ToArray();
        var c = current.Where(v => !double.IsNaN(v)).ToArray();
        var (test, reason) = Pick(FeatureKind.Numerical, options, r.Length, () => r.Concat(c).Distinct().Count());
        var missing = (reference.Count - r.Length, current.Count - c.Length);
        if (NotEnough(test, options, r.Length, c.Length, missing) is { } notEnough)
        {
            return notEnough with { ChoiceReason = reason };
        }

        var (statistic, score, sampled) = test.Name switch
        {
            StatTestCatalog.KolmogorovSmirnov => Outcome(KolmogorovSmirnov.Test(r, c)),
            StatTestCatalog.ChiSquare => Outcome(CategoricalTests.ChiSquare(r, c)),
            StatTestCatalog.ProportionZ => Outcome(CategoricalTests.ProportionZ(r, c)),
            StatTestCatalog.JensenShannon => Distance(Shares(Binning.Numerical(r, c, false), Distances.JensenShannon)),
            StatTestCatalog.Psi => Distance(Shares(Binning.Numerical(r, c, true), Distances.PopulationStabilityIndex)),
            StatTestCatalog.KlDivergence => Distance(Shares(Binning.Numerical(r, c, true), Distances.KullbackLeibler)),
            StatTestCatalog.Wasserstein => Distance(Distances.NormedWasserstein(r, c)),
            StatTestCatalog.Hellinger => Distance(Distances.Hellinger(r, c)),
            StatTestCatalog.AndersonDarling => Outcome(RankTests.AndersonDarling(r, c)),
            StatTestCatalog.CramerVonMises => Outcome(RankTests.CramerVonMises(r, c)),
            StatTestCatalog.EnergyDistance => Distance(Distances.Energy(r, c)),
            StatTestCatalog.EppsSingleton => Outcome(RankTests.EppsSingleton(r, c)),
            StatTestCatalog.TTest => Outcome(RankTests.TTest(r, c)),
            StatTestCatalog.MannWhitney => Outcome(RankTests.MannWhitneyLess(r, c)),
            StatTestCatalog.EmpiricalMmd => (
                EmpiricalMmd.Test(r, c, seed: options.Seed) is var o ? o.Statistic : 0,
                o.PValue,
                (int?)Math.Min(Math.Max(r.Length, c.Length), EmpiricalMmd.DefaultMaxPerWindow)),
            _ => throw new ArgumentException($"The test '{test.Name}' does not apply to a numerical feature."),
        };

        return Verdict(test, options, statistic, score, r.Length, c.Length, missing) with
        {
            ChoiceReason = reason,
            SampledPerWindow = sampled,
            Distribution = NumericalDistribution(r, c, options.MaxCategoriesShown),
        };
    }

    /// <summary>Compares two windows of a categorical feature; null counts as missing.</summary>
    /// <exception cref="ArgumentException">The named test does not exist, does not apply to categories, or its
    /// preconditions fail (the message says which).</exception>
    public static DriftTestResult RunCategorical(
        IReadOnlyList<string?> reference,
        IReadOnlyList<string?> current,
        DriftTestOptions? options = null)
    {
        options ??= new DriftTestOptions();
        var r = reference.OfType<string>().ToArray();
        var c = current.OfType<string>().ToArray();
        var (test, reason) = Pick(FeatureKind.Categorical, options, r.Length, () => r.Concat(c).Distinct().Count());
        var missing = (reference.Count - r.Length, current.Count - c.Length);
        if (NotEnough(test, options, r.Length, c.Length, missing) is { } notEnough)
        {
            return notEnough with { ChoiceReason = reason };
        }

        var (statistic, score, sampled) = test.Name switch
        {
            StatTestCatalog.ChiSquare => Outcome(CategoricalTests.ChiSquare(r, c)),
            StatTestCatalog.ProportionZ => Outcome(CategoricalTests.ProportionZ(r, c)),
            StatTestCatalog.JensenShannon => Distance(
                Shares(Binning.Categorical(r, c, false), Distances.JensenShannon)),
            StatTestCatalog.Psi => Distance(
                Shares(Binning.Categorical(r, c, true), Distances.PopulationStabilityIndex)),
            StatTestCatalog.KlDivergence => Distance(
                Shares(Binning.Categorical(r, c, true), Distances.KullbackLeibler)),
            StatTestCatalog.Hellinger => Distance(Distances.Hellinger(r, c)),
            StatTestCatalog.FisherExact => Outcome(CategoricalTests.FisherExact(r, c)),
            StatTestCatalog.GTest => Outcome(CategoricalTests.GTest(r, c)),
            StatTestCatalog.TotalVariation => Outcome(
                CategoricalTests.TotalVariationPermutation(r, c, seed: options.Seed)),
            _ => throw new ArgumentException($"The test '{test.Name}' does not apply to a categorical feature."),
        };

        return Verdict(test, options, statistic, score, r.Length, c.Length, missing) with
        {
            ChoiceReason = reason,
            SampledPerWindow = sampled,
            Distribution = CategoryDistribution(r, c, options.MaxCategoriesShown),
        };
    }

    /// <summary>The automatic choice for these windows, without running it.</summary>
    public static StatTestChoice Choose<T>(FeatureKind kind, IReadOnlyList<T> reference, IReadOnlyList<T> current) =>
        StatTestCatalog.ChooseDefault(kind, reference.Count, reference.Concat(current).Distinct().Count());

    private static (StatTestInfo Test, string? Reason) Pick(
        FeatureKind kind,
        DriftTestOptions options,
        int referenceCount,
        Func<int> distinct)
    {
        if (options.Test is null)
        {
            var choice = StatTestCatalog.ChooseDefault(kind, referenceCount, distinct());
            return (choice.Test, choice.Reason);
        }

        var test = StatTestCatalog.Get(options.Test);
        if (!test.Accepts(kind))
        {
            throw new ArgumentException(
                $"The test '{test.Name}' applies to {string.Join(" and ", test.FeatureKinds)} features, not {kind}.");
        }

        return (test, null);
    }

    private static DriftTestResult? NotEnough(
        StatTestInfo test,
        DriftTestOptions options,
        int referenceCount,
        int currentCount,
        (int Reference, int Current) missing)
    {
        var minimum = Math.Max(1, options.MinimumSampleSize);
        if (referenceCount >= minimum && currentCount >= minimum)
        {
            return null;
        }

        return new DriftTestResult(
            test.Name,
            test.DisplayName,
            test.ScoreKind,
            test.Rule,
            double.NaN,
            double.NaN,
            options.Threshold ?? test.DefaultThreshold,
            false,
            referenceCount,
            currentCount,
            DriftStatus.NotEnoughData)
        {
            ReferenceMissing = missing.Reference,
            CurrentMissing = missing.Current,
            Message = $"not enough data (n = {referenceCount} reference, {currentCount} current; "
                + $"at least {minimum} needed in each)",
        };
    }

    private static DriftTestResult Verdict(
        StatTestInfo test,
        DriftTestOptions options,
        double statistic,
        double score,
        int referenceCount,
        int currentCount,
        (int Reference, int Current) missing)
    {
        var threshold = options.Threshold ?? test.DefaultThreshold;
        return new DriftTestResult(
            test.Name,
            test.DisplayName,
            test.ScoreKind,
            test.Rule,
            score,
            statistic,
            threshold,
            !double.IsNaN(score) && DriftRules.IsDrift(test.Rule, score, threshold),
            referenceCount,
            currentCount)
        {
            ReferenceMissing = missing.Reference,
            CurrentMissing = missing.Current,
        };
    }

    private static (double Statistic, double Score, int? Sampled) Outcome(TestOutcome outcome) =>
        (outcome.Statistic, outcome.PValue, null);

    private static (double Statistic, double Score, int? Sampled) Distance(double distance) =>
        (distance, distance, null);

    private static double Shares(BinnedShares shares, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> f) =>
        f(shares.Reference, shares.Current);

    private static double Shares(
        BinnedShares shares,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double?, double> f) =>
        f(shares.Reference, shares.Current, null);

    private static DriftDistribution NumericalDistribution(double[] reference, double[] current, int maxCategories)
    {
        if (reference.Distinct().Count() <= Binning.MaxDistinctForValueBins)
        {
            return CategoryDistribution(
                reference.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
                current.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
                maxCategories);
        }

        var edges = Binning.SturgesEdges([.. reference, .. current]);
        return new DriftDistribution(
            edges,
            null,
            Binning.Histogram(reference, edges),
            Binning.Histogram(current, edges));
    }

    private static DriftDistribution CategoryDistribution(string[] reference, string[] current, int maxCategories)
    {
        var counts = CategoryCounts.Of(reference, current);
        var order = Enumerable.Range(0, counts.Keys.Count)
            .OrderByDescending(i => counts.Reference[i] + counts.Current[i])
            .ThenBy(i => counts.Keys[i], StringComparer.Ordinal)
            .ToArray();
        var shown = order.Take(maxCategories).ToList();
        var categories = shown.Select(i => counts.Keys[i]).ToList();
        var refCounts = shown.Select(i => counts.Reference[i]).ToList();
        var curCounts = shown.Select(i => counts.Current[i]).ToList();
        if (order.Length > shown.Count)
        {
            var rest = order.Skip(maxCategories).ToArray();
            categories.Add(OtherCategory);
            refCounts.Add(rest.Sum(i => counts.Reference[i]));
            curCounts.Add(rest.Sum(i => counts.Current[i]));
        }

        return new DriftDistribution(null, categories, refCounts, curCounts);
    }
}
