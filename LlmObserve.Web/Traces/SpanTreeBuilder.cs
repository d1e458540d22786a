using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>One line of the span tree: the span, how deep it sits, and whether its parent is missing.</summary>
public sealed record SpanTreeRow(SpanDetail Span, int Depth, bool IsOrphan, bool HasChildren);

/// <summary>
/// Orders a trace's spans depth-first, children by start time. Spans whose parent never arrived hang under the
/// trace itself, marked as orphans. Runs in time linear in the number of spans, without recursion, so deep or
/// large traces neither slow the page nor overflow the stack.
/// </summary>
public static class SpanTreeBuilder
{
    public static IReadOnlyList<SpanTreeRow> Build(IReadOnlyList<SpanDetail> spans)
    {
        var indexById = new Dictionary<string, int>(spans.Count, StringComparer.Ordinal);
        for (var i = 0; i < spans.Count; i++)
        {
            indexById.TryAdd(spans[i].SpanId, i);
        }

        // Children and roots keep the input order; callers pass spans sorted by start time.
        var children = new List<int>?[spans.Count];
        var roots = new List<(int Index, bool Orphan)>();
        for (var i = 0; i < spans.Count; i++)
        {
            var parentId = spans[i].ParentSpanId;
            if (string.IsNullOrEmpty(parentId))
            {
                roots.Add((i, false));
            }
            else if (indexById.TryGetValue(parentId, out var parent) && parent != i)
            {
                (children[parent] ??= []).Add(i);
            }
            else
            {
                roots.Add((i, true));
            }
        }

        var rows = new List<SpanTreeRow>(spans.Count);
        var visited = new bool[spans.Count];
        var stack = new Stack<(int Index, int Depth, bool Orphan)>();
        foreach (var root in roots)
        {
            Walk(root.Index, root.Orphan);
        }

        // Spans in a parent cycle are reachable from no root; they are shown rather than lost.
        for (var i = 0; i < spans.Count; i++)
        {
            if (!visited[i])
            {
                Walk(i, orphan: true);
            }
        }

        return rows;

        void Walk(int start, bool orphan)
        {
            stack.Push((start, 0, orphan));
            while (stack.Count > 0)
            {
                var (index, depth, isOrphan) = stack.Pop();
                if (visited[index])
                {
                    continue;
                }

                visited[index] = true;
                var kids = children[index];
                rows.Add(new SpanTreeRow(spans[index], depth, isOrphan, kids is { Count: > 0 }));
                if (kids is null)
                {
                    continue;
                }

                // Pushed in reverse so the earliest child is shown first.
                for (var k = kids.Count - 1; k >= 0; k--)
                {
                    stack.Push((kids[k], depth + 1, false));
                }
            }
        }
    }
}
