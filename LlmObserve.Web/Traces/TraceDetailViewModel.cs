using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>State of the trace page: the trace with its spans, and which span is selected.</summary>
public sealed class TraceDetailViewModel(TraceQueries queries)
{
    public TraceDetail? Trace { get; private set; }

    /// <summary>True once loading found no such trace in the shown project.</summary>
    public bool NotFound { get; private set; }

    public async Task LoadAsync(string traceId, CancellationToken cancellationToken)
    {
        Trace = null;
        NotFound = false;
        var normalized = TraceIds.NormalizeTraceId(traceId);
        var projectId = normalized is null ? null : await queries.FirstProjectIdAsync(cancellationToken);
        if (normalized is not null && projectId is not null)
        {
            Trace = await queries.GetAsync(projectId, normalized, cancellationToken);
        }

        NotFound = Trace is null;
    }

    /// <summary>The span named in the URL, else the first span without a parent, else the first span.</summary>
    public SpanDetail? SelectSpan(string? spanId)
    {
        if (Trace is not { Spans.Count: > 0 } trace)
        {
            return null;
        }

        return trace.Spans.FirstOrDefault(s => string.Equals(s.SpanId, spanId, StringComparison.OrdinalIgnoreCase))
            ?? trace.Spans.FirstOrDefault(s => s.ParentSpanId is null)
            ?? trace.Spans[0];
    }
}
