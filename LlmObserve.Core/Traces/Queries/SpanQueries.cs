using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Reads for the trace page of a big trace: the outline (every span without its large fields) and one span in
/// full, so a trace of thousands of spans never ships every prompt and attribute set to the page at once.
/// </summary>
public sealed class SpanQueries(IDbContextFactory<LlmObserveDbContext> dbFactory, TraceQueries traces)
{
    /// <summary>
    /// A trace with its spans reduced to what the tree and timeline show: ids, names, type, times, status, model,
    /// usage and cost. Inputs, outputs, messages, documents, attributes, events and links are left empty.
    /// </summary>
    public Task<TraceDetail?> GetOutlineAsync(string projectId, string traceId, CancellationToken cancellationToken)
        => traces.LoadTraceAsync(
            projectId,
            traceId,
            spans => spans.Select(s => new SpanEntity
            {
                ProjectId = s.ProjectId,
                TraceId = s.TraceId,
                SpanId = s.SpanId,
                ParentSpanId = s.ParentSpanId,
                Name = s.Name,
                Type = s.Type,
                Kind = s.Kind,
                StartTimeUnixNano = s.StartTimeUnixNano,
                EndTimeUnixNano = s.EndTimeUnixNano,
                Status = s.Status,
                StatusMessage = s.StatusMessage,
                ErrorType = s.ErrorType,
                Model = s.Model,
                Provider = s.Provider,
                InputTokens = s.InputTokens,
                OutputTokens = s.OutputTokens,
                CacheReadTokens = s.CacheReadTokens,
                CacheWriteTokens = s.CacheWriteTokens,
                ReasoningTokens = s.ReasoningTokens,
                TotalTokens = s.TotalTokens,
                UsageEstimated = s.UsageEstimated,
                Cost = s.Cost,
                CostReported = s.CostReported,
            }),
            cancellationToken);

    /// <summary>One span of a trace with every field decoded; null when the trace has no such span.</summary>
    public async Task<SpanDetail?> GetSpanAsync(
        string projectId,
        string traceId,
        string spanId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var span = await db.Spans.AsNoTracking()
            .FirstOrDefaultAsync(
                s => s.ProjectId == projectId && s.TraceId == traceId && s.SpanId == spanId,
                cancellationToken);
        if (span is null)
        {
            return null;
        }

        // Only whether the parent arrived is needed from the rest of the trace; one indexed lookup answers it.
        var parentArrived = span.ParentSpanId is not { } parentId
            || await db.Spans.AnyAsync(
                s => s.ProjectId == projectId && s.TraceId == traceId && s.SpanId == parentId,
                cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal) { span.SpanId };
        if (parentArrived && span.ParentSpanId is { } parent)
        {
            known.Add(parent);
        }

        return TraceQueries.ToDetail(span, known);
    }
}
