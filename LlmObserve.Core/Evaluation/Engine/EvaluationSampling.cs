namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// Which traces a sampling rate picks: a trace is in when a stable hash of its id, read as a fraction of [0, 1),
/// lies below the rate. The same trace is picked by every run, restart and instance, by every version of an
/// evaluator and by every evaluator with at least that rate, so the scores of a sample can be compared side by side.
/// </summary>
public static class EvaluationSampling
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>
    /// The trace's place in [0, 1): FNV-1a over the lower-case id, then a 64-bit finalizer so that ids differing
    /// only in their last characters (sequential test ids) still spread evenly.
    /// </summary>
    public static double Fraction(string traceId)
    {
        var hash = FnvOffset;
        foreach (var c in traceId)
        {
            hash ^= char.ToLowerInvariant(c);
            hash *= FnvPrime;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (hash >> 11) / (double)(1UL << 53);
    }

    /// <summary>Whether a rate picks the trace; a rate of 1 picks every trace, 0 none.</summary>
    public static bool IsSampled(string traceId, double rate) => rate >= 1 || (rate > 0 && Fraction(traceId) < rate);
}
