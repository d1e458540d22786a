namespace LlmObserve.Core.Drift.Monitors;

/// <summary>How drift monitors run (<c>LlmObserve:Drift:Monitors</c>).</summary>
public sealed class DriftMonitorOptions
{
    /// <summary>Run scheduled monitors at all; "run now" works either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between the job's looks for monitors that are due.</summary>
    public double PollSeconds { get; set; } = 30;

    /// <summary>
    /// Most traces per window read for the column features (token lengths, latency, cost, language, refusal,
    /// sentiment, tone); a larger window is thinned evenly over time.
    /// </summary>
    public int MaxTracesPerWindow { get; set; } = 100_000;

    /// <summary>
    /// Traces per window whose embeddings are read, thinned evenly over the window: the sample behind centroid
    /// distances, the domain classifier and the topics.
    /// </summary>
    public int EmbeddingSamplePerWindow { get; set; } = 1000;

    /// <summary>Vectors per window entering MMD, whose cost grows with the square of this.</summary>
    public int MmdSamplePerWindow { get; set; } = 500;

    /// <summary>Points per window of the 2-D projection drawn on the Drift page.</summary>
    public int ProjectionPointsPerWindow { get; set; } = 300;
}
