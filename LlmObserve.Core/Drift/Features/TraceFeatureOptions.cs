using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Drift.Features;

/// <summary>The feature job (<c>LlmObserve:Drift:Features</c>).</summary>
public sealed class TraceFeatureOptions
{
    /// <summary>Run the feature job at all. Off: nothing is featured and no model is loaded for it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Share of traces featured, picked by a hash of the trace id as evaluators pick theirs, so the featured traces
    /// are the ones an evaluator with at least this rate scores. A change applies to traces read from then on.
    /// </summary>
    public double SamplingRate { get; set; } = 1;

    /// <summary>Seconds between runs of the job (a run still going when the next is due is not doubled).</summary>
    public double IntervalSeconds { get; set; } = 5;

    /// <summary>A trace is featured once no span of it has arrived for this many seconds.</summary>
    public double SettleSeconds { get; set; } = 10;

    /// <summary>Traces featured and stored per transaction.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Traces read per project and pass when looking for new ones.</summary>
    public int ScanSize { get; set; } = 2000;

    /// <summary>Traces featured at once (CPU-bound: each takes one core for its embeddings).</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>
    /// On first start, and when a new feature version is deployed, the traces that started within this many days
    /// are featured (or featured again); older ones keep what they have.
    /// </summary>
    public double BackfillDays { get; set; } = 7;

    /// <summary>Longest a run keeps making passes, in seconds, before it lets the next run start.</summary>
    public double MaxRunSeconds { get; set; } = 60;

    /// <summary>
    /// Lingua's mode for the language features. <c>High</c> (the default) shares the language evaluator's models, so
    /// with that evaluator on it costs nothing more; <c>Low</c> loads its own, about 130 MB and a second instead of
    /// 1.5 GB and 20 s, for a deployment that runs no language evaluator and can accept wrong labels on some short
    /// questions (see <see cref="LanguageAccuracy"/>).
    /// </summary>
    public LanguageAccuracy LanguageAccuracy { get; set; } = LanguageAccuracy.High;
}
