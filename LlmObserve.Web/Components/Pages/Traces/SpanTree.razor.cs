using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>
/// The spans of a trace as an indented, collapsible tree. The tree is built once per span list, in linear time;
/// rows are plain elements so traces with thousands of spans stay quick to draw.
/// </summary>
public sealed partial class SpanTree
{
    private const int IndentPixels = 14;

    // Beyond this depth rows stop moving right, so very deep traces stay readable; data-depth keeps the truth.
    private const int MaxIndentedDepth = 30;

    private readonly HashSet<string> _collapsed = new(StringComparer.Ordinal);
    private IReadOnlyList<SpanDetail>? _builtFrom;
    private IReadOnlyList<SpanTreeRow> _rows = [];

    [Parameter, EditorRequired]
    public IReadOnlyList<SpanDetail> Spans { get; set; } = [];

    [Parameter]
    public string? SelectedSpanId { get; set; }

    [Parameter]
    public EventCallback<string> OnSelect { get; set; }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_builtFrom, Spans))
        {
            _builtFrom = Spans;
            _rows = SpanTreeBuilder.Build(Spans);
            _collapsed.Clear();
        }
    }

    private static int Indent(int depth) => Math.Min(depth, MaxIndentedDepth) * IndentPixels;

    private static string Tokens(SpanUsage usage)
        => usage.Input is null && usage.Output is null
            ? string.Empty
            : $"{TraceFormat.Count(usage.Input)} → {TraceFormat.Count(usage.Output)}";

    private void Toggle(string spanId)
    {
        if (!_collapsed.Remove(spanId))
        {
            _collapsed.Add(spanId);
        }
    }

    private Task SelectAsync(string spanId) => OnSelect.InvokeAsync(spanId);
}
