namespace LlmObserve.Core.Alerts;

/// <summary>
/// A metric a rule can watch. <see cref="ScoreFilter"/> metrics read scores, so they take a score name and an
/// evaluator; <see cref="ScoreNameRequired"/> when a value means nothing without one (a mean across names).
/// <see cref="DriftMonitor"/> metrics read a drift monitor's results, so they need its id (and take a feature).
/// </summary>
public sealed record AlertMetricInfo(
    string Name,
    string Title,
    string Unit,
    bool ScoreFilter = false,
    bool ScoreNameRequired = false,
    bool DriftMonitor = false);

/// <summary>What a metric read over a window: its value (null without data) and how many samples made it.</summary>
public sealed record AlertReading(double? Value, long Samples);

/// <summary>
/// Reads some of the metrics rules can watch. Each source names its metrics; the catalog routes a rule to the
/// source of its metric, so a new kind of metric (drift scores, say) is one more registered source.
/// </summary>
public interface IAlertMetricSource
{
    IReadOnlyList<AlertMetricInfo> Metrics { get; }

    /// <summary>
    /// The value of <paramref name="rule"/>'s metric over the traffic its filter keeps from <paramref name="from"/>
    /// to <paramref name="to"/>.
    /// </summary>
    Task<AlertReading> ReadAsync(
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken);

    /// <summary>
    /// Trace list filters (besides the window, environment and model, which every link carries) that select the
    /// traces behind a reading past <paramref name="threshold"/>: slow traces for latency, failed ones for errors.
    /// </summary>
    IReadOnlyList<KeyValuePair<string, string>> TraceFilters(AlertRule rule, double? threshold);

    /// <summary>
    /// Where an event's link points, relative to the app's root: by default the trace list of the window filtered
    /// by <see cref="TraceFilters"/>.
    /// </summary>
    string LinkOf(AlertRule rule, double? threshold, DateTimeOffset from, DateTimeOffset to)
        => AlertEvaluator.TraceLink(rule, TraceFilters(rule, threshold), from, to);
}

/// <summary>The metric names of the built-in sources.</summary>
public static class AlertMetricNames
{
    public const string LatencyP50 = "latency_p50";
    public const string LatencyP95 = "latency_p95";
    public const string LatencyP99 = "latency_p99";
    public const string ErrorRate = "error_rate";
    public const string CostPerHour = "cost_per_hour";
    public const string Tokens = "tokens";
    public const string RequestVolume = "request_volume";
    public const string ScoreMean = "score_mean";
    public const string HallucinationRate = "hallucination_rate";
    public const string NegativeFeedbackRate = "negative_feedback_rate";
    public const string DriftScore = "drift_score";
    public const string DriftedFeatures = "drifted_features";
}

/// <summary>Every metric of the registered sources, and which source reads each.</summary>
public sealed class AlertMetricCatalog
{
    private readonly Dictionary<string, (AlertMetricInfo Info, IAlertMetricSource Source)> _metrics;

    public AlertMetricCatalog(IEnumerable<IAlertMetricSource> sources)
    {
        _metrics = new(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var metric in source.Metrics)
            {
                _metrics[metric.Name] = (metric, source);
            }
        }

        All = [.. _metrics.Values.Select(m => m.Info)];
    }

    public IReadOnlyList<AlertMetricInfo> All { get; }

    public AlertMetricInfo? Find(string name) => _metrics.TryGetValue(name, out var m) ? m.Info : null;

    public IAlertMetricSource SourceOf(string name)
        => _metrics.TryGetValue(name, out var m)
            ? m.Source
            : throw new ArgumentException($"'{name}' is not a known metric.", nameof(name));
}
