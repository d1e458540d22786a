namespace LlmObserve.Core.Drift.Statistics;

/// <summary>A statistical test of the catalogue: its kind, default threshold and the features it applies to.</summary>
public sealed record StatTestInfo(
    string Name,
    string DisplayName,
    DriftScoreKind ScoreKind,
    DriftRule Rule,
    double DefaultThreshold,
    IReadOnlyList<FeatureKind> FeatureKinds)
{
    /// <summary>Whether the test applies to a feature of <paramref name="kind"/>.</summary>
    public bool Accepts(FeatureKind kind) => FeatureKinds.Contains(kind);
}

/// <summary>The test picked for a feature by the automatic rule, with the reason in words.</summary>
public sealed record StatTestChoice(StatTestInfo Test, string Reason);

/// <summary>
/// The statistical tests Evidently offers for column drift, with Evidently's names, kinds, default thresholds
/// and threshold comparisons, and its automatic choice by feature kind and sample size.
/// </summary>
public static class StatTestCatalog
{
    public const string KolmogorovSmirnov = "ks";
    public const string ChiSquare = "chisquare";
    public const string ProportionZ = "z";
    public const string JensenShannon = "jensenshannon";
    public const string Psi = "psi";
    public const string KlDivergence = "kl_div";
    public const string Wasserstein = "wasserstein";
    public const string Hellinger = "hellinger";
    public const string AndersonDarling = "anderson";
    public const string CramerVonMises = "cramer_von_mises";
    public const string EnergyDistance = "ed";
    public const string EppsSingleton = "es";
    public const string TTest = "t_test";
    public const string MannWhitney = "mannw";
    public const string FisherExact = "fisher_exact";
    public const string GTest = "g_test";
    public const string TotalVariation = "TVD";
    public const string EmpiricalMmd = "empirical_mmd";

    /// <summary>Reference windows larger than this get the distance tests by default (Evidently's cut).</summary>
    public const int LargeSampleSize = 1000;

    private static readonly FeatureKind[] NumOnly = [FeatureKind.Numerical];
    private static readonly FeatureKind[] CatOnly = [FeatureKind.Categorical];
    private static readonly FeatureKind[] Both = [FeatureKind.Numerical, FeatureKind.Categorical];

    /// <summary>Every test, in the order of the README's table.</summary>
    public static IReadOnlyList<StatTestInfo> All { get; } =
    [
        P(KolmogorovSmirnov, "K-S p_value", DriftRule.AtOrBelow, 0.05, NumOnly),
        P(ChiSquare, "chi-square p_value", DriftRule.Below, 0.05, Both),
        P(ProportionZ, "Z-test p_value", DriftRule.Below, 0.05, Both),
        D(JensenShannon, "Jensen-Shannon distance", DriftRule.AtOrAbove, 0.1, Both),
        D(Psi, "PSI", DriftRule.AtOrAbove, 0.1, Both),
        D(KlDivergence, "Kullback-Leibler divergence", DriftRule.AtOrAbove, 0.1, Both),
        D(Wasserstein, "Wasserstein distance (normed)", DriftRule.AtOrAbove, 0.1, NumOnly),
        D(Hellinger, "Hellinger distance", DriftRule.AtOrAbove, 0.1, Both),
        P(AndersonDarling, "Anderson-Darling", DriftRule.Below, 0.1, NumOnly),
        P(CramerVonMises, "Cramer-von Mises", DriftRule.AtOrBelow, 0.1, NumOnly),
        D(EnergyDistance, "Energy-distance", DriftRule.Above, 0.1, NumOnly),
        P(EppsSingleton, "Epps-Singleton", DriftRule.Below, 0.05, NumOnly),
        P(TTest, "t_test", DriftRule.Below, 0.05, NumOnly),
        P(MannWhitney, "Mann-Whitney U-rank test", DriftRule.Below, 0.05, NumOnly),
        P(FisherExact, "Fisher's Exact test", DriftRule.Below, 0.1, CatOnly),
        P(GTest, "g_test", DriftRule.Below, 0.1, CatOnly),
        P(TotalVariation, "Total-Variation-Distance", DriftRule.Below, 0.1, CatOnly),
        P(EmpiricalMmd, "empirical_mmd", DriftRule.Below, 0.1, NumOnly),
    ];

    /// <summary>The test of that name (Evidently's name, case-insensitive).</summary>
    /// <exception cref="ArgumentException">No test has that name.</exception>
    public static StatTestInfo Get(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown statistical test '{name}'. Known tests: {string.Join(", ", All.Select(t => t.Name))}.",
            nameof(name));

    /// <summary>
    /// Evidently's default choice. With a reference window of at most 1000 values: a numerical feature with
    /// more than 5 distinct values (both windows together) gets K-S, one with 3 to 5 gets chi-square, one with
    /// at most 2 the proportion z-test; a categorical feature gets chi-square with more than 2 distinct values,
    /// else the z-test. With a larger reference window: a numerical feature with more than 5 distinct values
    /// gets the normed Wasserstein distance, everything else the Jensen-Shannon distance.
    /// </summary>
    public static StatTestChoice ChooseDefault(FeatureKind kind, int referenceCount, int distinctValues)
    {
        var small = referenceCount <= LargeSampleSize;
        var size = small
            ? $"reference n = {referenceCount} <= {LargeSampleSize}"
            : $"reference n = {referenceCount} > {LargeSampleSize}";
        var distinct = $"{distinctValues} distinct values";
        if (small)
        {
            if (kind == FeatureKind.Numerical && distinctValues > 5)
            {
                return new StatTestChoice(Get(KolmogorovSmirnov), $"numerical, {size}, {distinct} > 5");
            }

            var label = kind == FeatureKind.Numerical ? "numerical with few values" : "categorical";
            return distinctValues > 2
                ? new StatTestChoice(Get(ChiSquare), $"{label}, {size}, {distinct} > 2")
                : new StatTestChoice(Get(ProportionZ), $"{label}, {size}, {distinct} <= 2");
        }

        return kind == FeatureKind.Numerical && distinctValues > 5
            ? new StatTestChoice(Get(Wasserstein), $"numerical, {size}, {distinct} > 5")
            : new StatTestChoice(
                Get(JensenShannon),
                kind == FeatureKind.Numerical ? $"numerical, {size}, {distinct} <= 5" : $"categorical, {size}");
    }

    private static StatTestInfo P(string name, string display, DriftRule rule, double threshold, FeatureKind[] kinds) =>
        new(name, display, DriftScoreKind.PValue, rule, threshold, kinds);

    private static StatTestInfo D(string name, string display, DriftRule rule, double threshold, FeatureKind[] kinds) =>
        new(name, display, DriftScoreKind.Distance, rule, threshold, kinds);
}
