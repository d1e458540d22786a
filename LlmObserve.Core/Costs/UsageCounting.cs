namespace LlmObserve.Core.Costs;

/// <summary>A span as far as counting usage is concerned.</summary>
/// <param name="SpanId">The span's id.</param>
/// <param name="ParentSpanId">Its parent's id; null for a root.</param>
/// <param name="HasUsage">True when the span carries token usage or a cost.</param>
public readonly record struct UsageNode(string SpanId, string? ParentSpanId, bool HasUsage);

/// <summary>
/// Which spans of a trace count toward its token and cost totals, so that a parent repeating the sum of its
/// children (Vercel AI SDK agent and outer <c>ai.generateText</c> spans, OTel <c>invoke_agent</c>) is not counted
/// twice (CONVENTIONS.md P12).
/// </summary>
/// <remarks>
/// The rule: a span with usage counts unless a descendant has usage too. The deepest spans that report usage are
/// the model calls themselves; a parent's usage counts only when none of its descendants report any (a parent is
/// then the only record of the call). Spans whose parent has not arrived are counted as roots, and a child that
/// arrives later can take the count away from its parent, so totals are recomputed from all of a trace's spans.
/// </remarks>
public static class UsageCounting
{
    /// <summary>The ids of the spans whose usage and cost count.</summary>
    public static IReadOnlySet<string> CountedSpanIds(IReadOnlyCollection<UsageNode> spans)
    {
        var byId = new Dictionary<string, UsageNode>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            byId.TryAdd(span.SpanId, span);
        }

        // Walk up from each span with usage and mark its ancestors as having usage below them. The walk stops at a
        // span already marked (its ancestors are marked too) or after as many steps as there are spans (a cycle).
        var hasUsageBelow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var span in byId.Values.Where(s => s.HasUsage))
        {
            var parentId = span.ParentSpanId;
            for (var steps = 0; parentId is not null && steps < byId.Count; steps++)
            {
                if (!byId.TryGetValue(parentId, out var parent) || !hasUsageBelow.Add(parentId))
                {
                    break;
                }

                parentId = parent.ParentSpanId;
            }
        }

        return byId.Values
            .Where(s => s.HasUsage && !hasUsageBelow.Contains(s.SpanId))
            .Select(s => s.SpanId)
            .ToHashSet(StringComparer.Ordinal);
    }
}
