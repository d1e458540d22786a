namespace LlmObserve.Core.Scores;

/// <summary>
/// Scores of one name in one time bucket, environment, release, model and label, summed so the Quality page reads a
/// few rows per bucket instead of every score. Kept by <see cref="ScoreAggregateMaintainer"/>.
/// </summary>
/// <remarks>
/// A score falls in the bucket of its trace's start, and takes the trace's environment, release and models; a score
/// whose trace has not arrived falls at its own creation time with none of them, and moves once the trace is stored.
/// As in the metric rollups, the rows whose <see cref="Model"/> is <see cref="Metrics.MetricRollup.AllModels"/> count
/// each score once; the other rows count it once per model its trace called (a trace that called none under the
/// empty model), so per-model rows are not summed for totals.
/// </remarks>
public sealed class ScoreRollup
{
    public required string ProjectId { get; set; }

    /// <summary><see cref="Metrics.RollupResolution.Minute"/> or <see cref="Metrics.RollupResolution.Hour"/>.</summary>
    public int Resolution { get; set; }

    /// <summary>Bucket start in Unix seconds (UTC).</summary>
    public long BucketStart { get; set; }

    public required string Name { get; set; }

    /// <summary>The trace's environment; empty when it named none.</summary>
    public required string Environment { get; set; }

    /// <summary>The trace's release (the prompt or app version it ran); empty when it named none.</summary>
    public required string Release { get; set; }

    public required string Model { get; set; }

    /// <summary>The score's label; empty for scores with a value only.</summary>
    public required string Label { get; set; }

    /// <summary>Scores counted.</summary>
    public long Count { get; set; }

    /// <summary>Those with a numeric value.</summary>
    public long ValueCount { get; set; }

    /// <summary>Sum of the numeric values, for means.</summary>
    public double ValueSum { get; set; }
}

/// <summary>
/// What one trace's scores last added to <see cref="ScoreRollup"/>, so a change (a new score, a trace whose start,
/// environment, release or models changed) takes the old share back before adding the new one.
/// </summary>
public sealed class ScoreRollupState
{
    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    /// <summary>The <see cref="ScoreContribution"/> as JSON.</summary>
    public required string ContributionJson { get; set; }
}
