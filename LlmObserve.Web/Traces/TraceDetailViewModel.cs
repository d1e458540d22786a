using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>
/// State of the trace page: the trace's outline (spans without their large fields), and the selected span loaded
/// in full only when it is selected.
/// </summary>
public sealed class TraceDetailViewModel(TraceQueries queries, SpanQueries spans)
{
    private string? _projectId;

    public TraceDetail? Trace { get; private set; }

    /// <summary>True once loading found no such trace in the shown project.</summary>
    public bool NotFound { get; private set; }

    public async Task LoadAsync(string traceId, CancellationToken cancellationToken)
    {
        Trace = null;
        NotFound = false;
        var normalized = TraceIds.NormalizeTraceId(traceId);
        _projectId = normalized is null ? null : await queries.FirstProjectIdAsync(cancellationToken);
        if (normalized is not null && _projectId is not null)
        {
            Trace = await spans.GetOutlineAsync(_projectId, normalized, cancellationToken);
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

    /// <summary>Every field of one span of the loaded trace; null when it vanished or nothing is loaded.</summary>
    public async Task<SpanDetail?> LoadSpanAsync(string spanId, CancellationToken cancellationToken)
        => Trace is { } trace && _projectId is { } projectId
            ? await spans.GetSpanAsync(projectId, trace.TraceId, spanId, cancellationToken)
            : null;
}
