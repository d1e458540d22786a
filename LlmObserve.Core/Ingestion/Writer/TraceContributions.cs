using LlmObserve.Core.Metrics;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// What a trace contributes to the rollups, derived from the aggregate and the span facts the writer already holds,
/// so keeping the rollups costs the commit no read of the trace or its spans. The figures equal what
/// <see cref="RollupMaintainer.Read"/> derives in SQL from the stored rows, which the tests keep as the oracle.
/// </summary>
internal static class TraceContributions
{
    /// <param name="trace">The trace's aggregate as just written.</param>
    /// <param name="spans">
    /// All spans of the trace, the ones the aggregate was computed from (which marked the superseded ones).
    /// </param>
    /// <exception cref="OverflowException">A per-model token sum does not fit in 64 bits.</exception>
    public static TraceContribution Of(TraceAggregate trace, IReadOnlyList<SpanFacts> spans)
    {
        // Per model as SQL's GROUP BY "Model" ORDER BY "Model": a model call without a model first, then by code point.
        var byModel = new SortedDictionary<string, ModelSums>(CodePointComparer.Instance);
        ModelSums? unnamed = null;
        foreach (var span in spans)
        {
            // A model call whose usage its children repeat in detail is not a call of its own (P12).
            if (!span.IsModelCall || span.Superseded)
            {
                continue;
            }

            ModelSums sums;
            if (span.Model is null)
            {
                sums = unnamed ??= new ModelSums();
            }
            else if (!byModel.TryGetValue(span.Model, out sums!))
            {
                sums = new ModelSums();
                byModel.Add(span.Model, sums);
            }

            sums.Add(span);
        }

        var models = new List<ModelShare>(byModel.Count + 1);
        long calls = 0, unpriced = 0, estimated = 0;
        foreach (var (model, sums) in Named(unnamed, byModel))
        {
            models.Add(new ModelShare(model, sums.ToShare()));
            calls += sums.Calls;
            unpriced += sums.Unpriced;
            estimated += sums.Estimated;
        }

        var start = trace.StartTimeUnixNano;
        var totals = new UsageShare(
            calls,
            trace.InputTokens,
            trace.OutputTokens,
            trace.CachedTokens,
            trace.ReasoningTokens,
            trace.TotalTokens,
            TraceContribution.ToNanoUsd(trace.Cost),
            unpriced,
            estimated);
        return new TraceContribution(
            StartUnixSeconds: Math.DivRem(start, 1_000_000_000, out var rest) - (rest < 0 ? 1 : 0),
            trace.Environment ?? "",
            trace.UserId,
            trace.SessionId,
            trace.Status == SpanStatus.Error,
            (long)Math.Round(trace.LatencyMs * 1000),
            totals,
            models,
            TraceContribution.SplitModels(trace.Models));
    }

    private static IEnumerable<(string Model, ModelSums Sums)> Named(
        ModelSums? unnamed,
        SortedDictionary<string, ModelSums> byModel)
    {
        if (unnamed is not null)
        {
            yield return (RollupMaintainer.NoModel, unnamed);
        }

        foreach (var (model, sums) in byModel)
        {
            yield return (model, sums);
        }
    }

    /// <summary>
    /// SQLite's <c>CAST(round(x) AS INTEGER)</c>: half away from zero by adding a half and truncating, for the
    /// magnitudes a cost in nanodollars can take.
    /// </summary>
    private static long RoundLikeSqlite(double value)
        => Math.Abs(value) >= 4503599627370496.0 ? (long)value : (long)(value < 0 ? value - 0.5 : value + 0.5);

    private sealed class ModelSums
    {
        private long _input;
        private long _output;
        private long _cached;
        private long _reasoning;
        private long _total;
        private long _costNanoUsd;

        public long Calls { get; private set; }

        public long Unpriced { get; private set; }

        public long Estimated { get; private set; }

        public void Add(SpanFacts span)
        {
            checked
            {
                Calls++;
                _input += span.InputTokens ?? 0;
                _output += span.OutputTokens ?? 0;
                _cached += span.CachedTokens ?? 0;
                _reasoning += span.ReasoningTokens ?? 0;
                _total += span.TotalTokens ?? ((span.InputTokens ?? 0) + (span.OutputTokens ?? 0));
                _costNanoUsd += RoundLikeSqlite((span.Cost ?? 0) * 1e9);
            }

            Unpriced += span.Cost is null && span.HasUsage ? 1 : 0;
            Estimated += span.UsageEstimated ? 1 : 0;
        }

        public UsageShare ToShare()
            => new(Calls, _input, _output, _cached, _reasoning, _total, _costNanoUsd, Unpriced, Estimated);
    }
}
