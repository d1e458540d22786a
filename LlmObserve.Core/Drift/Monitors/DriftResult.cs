namespace LlmObserve.Core.Drift.Monitors;

/// <summary>
/// One run of a monitor (table <c>DriftResults</c>): the two windows, how many traces each held and how many had
/// features, and the per-feature verdicts (<see cref="DriftFeatureResult"/>). A monitor's runs form its time series.
/// </summary>
public sealed class DriftResult
{
    public long Id { get; set; }

    public required string MonitorId { get; set; }

    public required string ProjectId { get; set; }

    public DateTimeOffset RunAt { get; set; }

    /// <summary>"schedule" or "manual".</summary>
    public required string Trigger { get; set; }

    public DateTimeOffset ReferenceFrom { get; set; }

    public DateTimeOffset ReferenceTo { get; set; }

    public DateTimeOffset CurrentFrom { get; set; }

    public DateTimeOffset CurrentTo { get; set; }

    /// <summary>Traces that started in the reference window.</summary>
    public int ReferenceTraces { get; set; }

    public int CurrentTraces { get; set; }

    /// <summary>Of them, traces with features (the rest were not sampled, not yet featured, or failed).</summary>
    public int ReferenceFeatured { get; set; }

    public int CurrentFeatured { get; set; }

    /// <summary>Features that reached a verdict, and those of them that drifted.</summary>
    public int FeaturesWithVerdict { get; set; }

    public int DriftedFeatures { get; set; }

    public double DurationMs { get; set; }

    /// <summary>Why the run failed, when it did (no feature results then).</summary>
    public string? Error { get; set; }

    /// <summary>Topic shares of both windows with labels and example traces (<see cref="DriftTopicReport"/>).</summary>
    public string? TopicsJson { get; set; }

    /// <summary>A 2-D PCA projection of sampled input embeddings (<see cref="DriftProjection"/>).</summary>
    public string? ProjectionJson { get; set; }
}

/// <summary>The verdict on one feature in one run (table <c>DriftFeatureResults</c>).</summary>
public sealed class DriftFeatureResult
{
    public long Id { get; set; }

    public long ResultId { get; set; }

    /// <summary>Copied from the run, so a feature's series is read without the runs.</summary>
    public required string MonitorId { get; set; }

    public DateTimeOffset RunAt { get; set; }

    public required string Feature { get; set; }

    /// <summary>numerical, categorical, embedding or topics.</summary>
    public required string Kind { get; set; }

    public required string TestName { get; set; }

    public required string TestDisplayName { get; set; }

    /// <summary>"p_value" or "distance": which side of the threshold means drift.</summary>
    public required string ScoreKind { get; set; }

    /// <summary>The value compared with the threshold; null without a verdict.</summary>
    public double? Score { get; set; }

    /// <summary>The p-value, when the test gives one.</summary>
    public double? PValue { get; set; }

    public double? Statistic { get; set; }

    public double Threshold { get; set; }

    public bool Drifted { get; set; }

    /// <summary>"computed" or "not_enough_data".</summary>
    public required string Status { get; set; }

    /// <summary>For people: "not enough data (n = …)", or the reason of an automatic choice.</summary>
    public string? Message { get; set; }

    public int ReferenceCount { get; set; }

    public int CurrentCount { get; set; }

    /// <summary>Traces of the window read with features but without this one (e.g. no output to embed).</summary>
    public int ReferenceMissing { get; set; }

    public int CurrentMissing { get; set; }

    /// <summary>Values per window a capped test actually used.</summary>
    public int? SampledPerWindow { get; set; }

    /// <summary>Histogram or category counts of both windows (<see cref="Statistics.DriftDistribution"/>).</summary>
    public string? DistributionJson { get; set; }
}
