namespace LlmObserve.Core.Drift.Statistics;

/// <summary>How a feature's values are compared: as numbers on a line, or as labels.</summary>
public enum FeatureKind
{
    Numerical,
    Categorical,
}

/// <summary>What a test's score is, and so which side of the threshold means drift.</summary>
public enum DriftScoreKind
{
    /// <summary>A p-value: drift when it is small (below, or at or below, the threshold).</summary>
    PValue,

    /// <summary>A distance or a score such as ROC AUC: drift when it is large (at or above, or above).</summary>
    Distance,
}

/// <summary>The exact comparison with the threshold, as Evidently makes it for each test.</summary>
public enum DriftRule
{
    /// <summary>score &lt; threshold.</summary>
    Below,

    /// <summary>score &lt;= threshold.</summary>
    AtOrBelow,

    /// <summary>score &gt;= threshold.</summary>
    AtOrAbove,

    /// <summary>score &gt; threshold.</summary>
    Above,
}

/// <summary>Whether a result carries a verdict.</summary>
public enum DriftStatus
{
    /// <summary>The test ran; <see cref="DriftTestResult.Drifted"/> is its verdict.</summary>
    Computed,

    /// <summary>A window held fewer values than the minimum sample size; no verdict.</summary>
    NotEnoughData,
}

internal static class DriftRules
{
    public static bool IsDrift(DriftRule rule, double score, double threshold) => rule switch
    {
        DriftRule.Below => score < threshold,
        DriftRule.AtOrBelow => score <= threshold,
        DriftRule.AtOrAbove => score >= threshold,
        DriftRule.Above => score > threshold,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown drift rule."),
    };
}
