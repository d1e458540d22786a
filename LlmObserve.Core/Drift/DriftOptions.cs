using LlmObserve.Core.Drift.Features;

namespace LlmObserve.Core.Drift;

/// <summary>Drift detection settings (<c>LlmObserve:Drift</c>).</summary>
public sealed class DriftOptions
{
    /// <summary>The per-trace features computed in the background.</summary>
    public TraceFeatureOptions Features { get; set; } = new();

    /// <summary>How drift monitors run.</summary>
    public Monitors.DriftMonitorOptions Monitors { get; set; } = new();
}
