using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Traces;

/// <summary>
/// State of the trace page: the trace's header, its outline (spans without their large fields) once loaded, and
/// the selected span loaded in full only when it is selected.
/// </summary>
public sealed class TraceDetailViewModel(SpanQueries spans, TracePageHandoff handoff, CurrentProject currentProject)
{
    private string? _projectId;
    private Task<TraceDetail?>? _pendingOutline;

    /// <summary>The trace; its <see cref="TraceDetail.Spans"/> stay empty until <see cref="SpansLoaded"/>.</summary>
    public TraceDetail? Trace { get; private set; }

    /// <summary>True once the outline of <see cref="Trace"/> is loaded.</summary>
    public bool SpansLoaded { get; private set; }

    /// <summary>True once loading found no such trace in the shown project.</summary>
    public bool NotFound { get; private set; }

    /// <summary>
    /// What the prerender shows: the header and the selected span, read quickly, while the outline is read in the
    /// background for the circuit that takes the page over. Returns the span selected (null when the trace has
    /// none yet) and the key under which the circuit finds the rest.
    /// </summary>
    public async Task<(SpanDetail? Selected, string? HandoffKey)> PrerenderAsync(
        string traceId,
        string? spanId,
        CancellationToken cancellationToken)
    {
        Reset();
        var normalized = TraceIds.NormalizeTraceId(traceId);
        _projectId = normalized is null ? null : await currentProject.GetIdAsync(cancellationToken);
        if (normalized is null || _projectId is not { } projectId)
        {
            NotFound = true;
            return (null, null);
        }

        Trace = await spans.GetHeaderAsync(projectId, normalized, cancellationToken);
        if (Trace is null)
        {
            NotFound = true;
            return (null, null);
        }

        // The same choice as SelectSpan makes on the outline: the named span if the trace has it, else the first.
        var selected = spanId is null ? null : await LoadSpanAsync(spanId.ToLowerInvariant(), cancellationToken);
        if (selected is null
            && await spans.GetFirstSpanIdAsync(projectId, normalized, cancellationToken) is { } firstSpanId)
        {
            selected = await LoadSpanAsync(firstSpanId, cancellationToken);
        }

        var key = handoff.Leave(
            projectId,
            Trace,
            selected,
            () => spans.GetOutlineAsync(projectId, normalized, CancellationToken.None));
        return (selected, key);
    }

    /// <summary>
    /// Takes over what the prerender left under <paramref name="handoffKey"/>: the header shows at once and the
    /// outline comes from the read the prerender started. Returns the selected span it read; null when the key
    /// finds nothing, and <see cref="LoadAsync"/> then reads everything itself.
    /// </summary>
    public SpanDetail? Resume(string traceId, string? handoffKey)
    {
        Reset();
        if (TraceIds.NormalizeTraceId(traceId) is not { } normalized
            || handoff.Take(handoffKey, normalized) is not { } start)
        {
            return null;
        }

        _projectId = start.ProjectId;
        _pendingOutline = start.Outline;
        Trace = start.Header;
        return start.Selected;
    }

    /// <summary>Loads the trace's outline, from the prerender's read when <see cref="Resume"/> found one.</summary>
    public async Task LoadAsync(string traceId, CancellationToken cancellationToken)
    {
        var pending = _pendingOutline;
        _pendingOutline = null;
        if (pending is not null && await pending.WaitAsync(cancellationToken) is { } outline)
        {
            Trace = outline;
            SpansLoaded = true;
            return;
        }

        Reset();
        var normalized = TraceIds.NormalizeTraceId(traceId);
        _projectId = normalized is null ? null : await currentProject.GetIdAsync(cancellationToken);
        if (normalized is not null && _projectId is not null)
        {
            Trace = await spans.GetOutlineAsync(_projectId, normalized, cancellationToken);
        }

        SpansLoaded = Trace is not null;
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

    private void Reset()
    {
        _pendingOutline = null;
        Trace = null;
        SpansLoaded = false;
        NotFound = false;
    }
}
