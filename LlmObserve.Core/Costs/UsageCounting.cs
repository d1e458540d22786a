using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Core.Costs;

/// <summary>Why a span's usage and cost are left out of its trace's totals.</summary>
public enum UsageExclusion
{
    /// <summary>
    /// Spans below it report usage that counts, and its own repeats theirs (an agent or an outer generateText summing
    /// its model calls, CONVENTIONS.md P12).
    /// </summary>
    IncludedInChildren,

    /// <summary>
    /// It is not a model call while model calls of the trace report usage; nothing below it counts either.
    /// </summary>
    NotCounted,
}

/// <summary>
/// Which spans of a trace count toward its tokens and cost, by the very rule the trace aggregate and the rollups
/// apply (<c>TraceAggregate.MarkSuperseded</c>), so a page can show why a span's usage is not in the totals.
/// </summary>
public static class UsageCounting
{
    /// <summary>
    /// The spans that report usage or a cost which the trace's totals leave out, with the reason; spans that count,
    /// and spans without usage or cost, are not listed.
    /// </summary>
    public static IReadOnlyDictionary<string, UsageExclusion> Excluded(IReadOnlyList<SpanDetail> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var facts = new List<SpanFacts>(spans.Count);
        var modelUsage = false;
        foreach (var span in spans)
        {
            var fact = new SpanFacts
            {
                SpanId = span.SpanId,
                ParentSpanId = span.ParentSpanId,
                Name = span.Name,
                IsModelCall = span.Type is SpanType.Generation or SpanType.Embedding,
                Status = span.Status,
                InputTokens = span.Usage.Input,
                OutputTokens = span.Usage.Output,
                TotalTokens = span.Usage.Total,
                Cost = span.Cost is { } cost && double.IsFinite(cost) ? cost : null,
            };
            modelUsage |= fact.IsModelCall && fact.HasUsage;
            facts.Add(fact);
        }

        TraceAggregate.MarkSuperseded(facts, modelUsage);

        // Ancestors of the spans that count: a span left out above them is included in them.
        var byId = new Dictionary<string, SpanFacts>(facts.Count, StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            byId.TryAdd(fact.SpanId, fact);
        }

        var countedBelow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fact in facts.Where(f => Counts(f, modelUsage)))
        {
            var parentId = fact.ParentSpanId;
            for (var steps = 0; parentId is not null && steps < byId.Count; steps++)
            {
                if (!byId.TryGetValue(parentId, out var parent) || !countedBelow.Add(parentId))
                {
                    break;
                }

                parentId = parent.ParentSpanId;
            }
        }

        var excluded = new Dictionary<string, UsageExclusion>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            if ((fact.HasUsage || fact.Cost is not null) && !Counts(fact, modelUsage))
            {
                excluded.TryAdd(
                    fact.SpanId,
                    fact.Superseded || countedBelow.Contains(fact.SpanId)
                        ? UsageExclusion.IncludedInChildren
                        : UsageExclusion.NotCounted);
            }
        }

        return excluded;
    }

    // As the aggregate sums: model calls only when any reports usage, never a superseded span.
    private static bool Counts(SpanFacts span, bool modelCallsOnly)
        => (span.HasUsage || span.Cost is not null) && (!modelCallsOnly || span.IsModelCall) && !span.Superseded;
}
