namespace LlmObserve.Core.Drift.Statistics;

/// <summary>
/// One comparison of a reference window with a current window, in the shape a monitor stores: which test,
/// its statistic, the score compared with the threshold (a p-value or a distance), the verdict, the sample
/// sizes and, for the page, what the two windows looked like.
/// </summary>
/// <param name="TestName">Machine name of the test (Evidently's name where Evidently has the test).</param>
/// <param name="DisplayName">Name for people.</param>
/// <param name="ScoreKind">Whether <paramref name="Score"/> is a p-value or a distance.</param>
/// <param name="Rule">The comparison of <paramref name="Score"/> with <paramref name="Threshold"/>.</param>
/// <param name="Score">The p-value or distance the verdict is drawn from; NaN when there is no verdict.</param>
/// <param name="Statistic">The test statistic behind a p-value (for a distance, the distance itself).</param>
/// <param name="Threshold">The threshold used.</param>
/// <param name="Drifted">The verdict; false when <paramref name="Status"/> is not Computed.</param>
/// <param name="ReferenceCount">Values of the reference window that were compared.</param>
/// <param name="CurrentCount">Values of the current window that were compared.</param>
/// <param name="Status">Whether a verdict was reached.</param>
public sealed record DriftTestResult(
    string TestName,
    string DisplayName,
    DriftScoreKind ScoreKind,
    DriftRule Rule,
    double Score,
    double Statistic,
    double Threshold,
    bool Drifted,
    int ReferenceCount,
    int CurrentCount,
    DriftStatus Status = DriftStatus.Computed)
{
    /// <summary>Missing values (null or NaN) dropped from the reference window before the test.</summary>
    public int ReferenceMissing { get; init; }

    /// <summary>Missing values (null or NaN) dropped from the current window before the test.</summary>
    public int CurrentMissing { get; init; }

    /// <summary>Why this test was used, when it was chosen automatically.</summary>
    public string? ChoiceReason { get; init; }

    /// <summary>A sentence for people when there is no verdict, e.g. "not enough data (n = 3)".</summary>
    public string? Message { get; init; }

    /// <summary>The two windows as a histogram (numerical) or category counts (categorical), for the page.</summary>
    public DriftDistribution? Distribution { get; init; }

    /// <summary>Values actually used when a test subsamples for bounded cost (else equal to the counts).</summary>
    public int? SampledPerWindow { get; init; }
}

/// <summary>
/// What the page draws beside a verdict: either a histogram over shared bin edges, or counts per category.
/// Exactly one of <see cref="BinEdges"/> and <see cref="Categories"/> is set; counts align with its bins.
/// </summary>
public sealed record DriftDistribution(
    IReadOnlyList<double>? BinEdges,
    IReadOnlyList<string>? Categories,
    IReadOnlyList<long> ReferenceCounts,
    IReadOnlyList<long> CurrentCounts);

/// <summary>The dataset-level verdict over many features, as Evidently's data drift preset reports it.</summary>
public sealed record DatasetDriftSummary(
    int NumberOfColumns,
    int NumberOfDriftedColumns,
    double ShareOfDriftedColumns,
    bool DatasetDrift)
{
    /// <summary>Evidently's default share of drifted features at which the whole dataset counts as drifted.</summary>
    public const double DefaultDriftShare = 0.5;

    /// <summary>Counts the drifted features among the results that reached a verdict.</summary>
    public static DatasetDriftSummary From(IEnumerable<DriftTestResult> results, double driftShare = DefaultDriftShare)
    {
        var computed = results.Where(r => r.Status == DriftStatus.Computed).ToList();
        var drifted = computed.Count(r => r.Drifted);
        var share = computed.Count == 0 ? 0 : (double)drifted / computed.Count;
        return new DatasetDriftSummary(computed.Count, drifted, share, computed.Count > 0 && share >= driftShare);
    }
}
