namespace LlmObserve.Core.Metrics;

/// <summary>How the dashboard, its API and <c>/metrics</c> name what a trace or call left out.</summary>
public static class MetricLabels
{
    /// <summary>
    /// The label of traces that named no environment and of model calls that named no model, the same on every
    /// surface; parenthesised so it cannot pass for a real name.
    /// </summary>
    public const string None = "(none)";

    /// <summary>The label of a stored environment (empty when the trace named none).</summary>
    public static string Environment(string stored) => stored.Length == 0 ? None : stored;

    /// <summary>The label of a stored model (<see cref="RollupMaintainer.NoModel"/>: the call named none).</summary>
    public static string Model(string stored) => stored == RollupMaintainer.NoModel ? None : stored;

    /// <summary>
    /// Whether every model call counted had usage but no cost: its cost is then unknown, shown as no value, never $0.
    /// </summary>
    public static bool EveryCallUnpriced(long modelCalls, long unpricedCalls)
        => unpricedCalls > 0 && unpricedCalls >= modelCalls;
}
