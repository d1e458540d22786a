using System.Globalization;
using UsageExclusion = LlmObserve.Core.Costs.UsageExclusion;
using UsageCounting = LlmObserve.Core.Costs.UsageCounting;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>
/// The spans of a trace as an indented, collapsible tree with a waterfall beside it, one row per span so bar and
/// name always line up. The tree is built once per span list, in linear time, and rows are virtualised: only the
/// rows in view (plus a margin) exist in the page, so traces of ten thousand spans stay quick.
/// </summary>
public sealed partial class SpanTree
{
    /// <summary>Most rows rendered at once; a screen never shows more, so this only bounds a bad measurement.</summary>
    public const int MaxRenderedRows = 120;

    /// <summary>
    /// The widest indentation of a row. Deeper rows stay at it and show their depth as a number instead, so the name
    /// keeps the room it needs however deep a trace goes.
    /// </summary>
    public const int MaxIndentPixels = MaxIndentedDepth * IndentPixels;

    // Fixed, so the virtualiser can place rows without measuring each one; the stylesheet uses the same height.
    private const float RowHeight = 28;

    private const int IndentPixels = 14;

    private const int FirstScreenRows = 15;

    private const string ModulePath = "./Components/Pages/Traces/SpanTree.razor.js";

    // Eight levels leave the name its room even in the narrowest tree column; deeper rows show a depth badge.
    private const int MaxIndentedDepth = 8;

    private readonly HashSet<string> _collapsed = new(StringComparer.Ordinal);
    private IReadOnlyList<SpanDetail>? _builtFrom;
    private IReadOnlyList<SpanTreeRow> _rows = [];
    private List<SpanTreeRow> _visible = [];
    private SpanTimeline _timeline = SpanTimeline.Of([]);
    private IReadOnlyDictionary<string, UsageExclusion> _excluded = new Dictionary<string, UsageExclusion>();
    private ElementReference _treeElement;

    // The selection last brought into view; a span opened from a link may sit thousands of rows down.
    private string? _scrolledTo;

    [Parameter, EditorRequired]
    public IReadOnlyList<SpanDetail> Spans { get; set; } = [];

    [Parameter]
    public string? SelectedSpanId { get; set; }

    [Parameter]
    public EventCallback<string> OnSelect { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_builtFrom, Spans))
        {
            _builtFrom = Spans;
            _rows = SpanTreeBuilder.Build(Spans);
            _timeline = SpanTimeline.Of(Spans);
            _excluded = UsageCounting.Excluded(Spans);
            _collapsed.Clear();
            UpdateVisible();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (SelectedSpanId is not { } selected || selected == _scrolledTo)
        {
            return;
        }

        _scrolledTo = selected;
        var index = _visible.FindIndex(r => string.Equals(r.Span.SpanId, selected, StringComparison.Ordinal));

        // Rows near the top are already on screen; only a far selection needs the browser.
        if (index < FirstScreenRows)
        {
            return;
        }

        try
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            await module.InvokeVoidAsync("scrollToRow", _treeElement, index, RowHeight, selected);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException
            or TaskCanceledException)
        {
            // Scrolling is a convenience; the selection itself is already shown in the details.
        }
    }

    private static int Indent(int depth) => Math.Min(depth, MaxIndentedDepth) * IndentPixels;

    private static bool ShowsDepth(int depth) => depth > MaxIndentedDepth;

    private static bool HasUsage(SpanUsage usage)
        => usage.Input is not null || usage.Output is not null || usage.Total is not null;

    private static string ExclusionText(UsageExclusion exclusion) => exclusion switch
    {
        UsageExclusion.IncludedInChildren => "included in children",
        _ => "not counted",
    };

    private static string ExclusionTitle(UsageExclusion exclusion) => exclusion switch
    {
        UsageExclusion.IncludedInChildren =>
            "Its usage and cost repeat what the spans below it report, so the trace's totals count those instead.",
        _ => "Only model calls count toward the trace's totals when any of them reports usage.",
    };

    private static string BarClass(SpanDetail span)
        => span.Status == SpanStatus.Error ? "span-bar span-bar--error" : "span-bar span-bar--" + span.Type;

    private static string Percent(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private void Toggle(string spanId)
    {
        if (!_collapsed.Remove(spanId))
        {
            _collapsed.Add(spanId);
        }

        UpdateVisible();
    }

    // One pass over the depth-first rows: everything deeper than a collapsed row, until the next row at its depth
    // or above, is hidden. The virtualiser then gets a plain list.
    private void UpdateVisible()
    {
        var visible = new List<SpanTreeRow>(_rows.Count);
        var skipDeeperThan = int.MaxValue;
        foreach (var row in _rows)
        {
            if (row.Depth > skipDeeperThan)
            {
                continue;
            }

            skipDeeperThan = row.HasChildren && _collapsed.Contains(row.Span.SpanId) ? row.Depth : int.MaxValue;
            visible.Add(row);
        }

        _visible = visible;
    }

    private Task SelectAsync(string spanId) => OnSelect.InvokeAsync(spanId);
}
