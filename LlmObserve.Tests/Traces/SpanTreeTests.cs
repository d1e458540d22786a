using System.Diagnostics;
using Bunit;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Components.Pages.Traces;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Traces;

public sealed class SpanTreeTests : BunitContext
{
    [Fact]
    public void SpanTree_ChildrenArriveBeforeParents_NestsDepthFirstByStart()
    {
        SpanDetail[] spans =
        [
            Span("root", null),
            Span("b", "root", 30),
            Span("a", "root", 10),
            Span("a1", "a", 20),
        ];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans.OrderBy(s => s.StartTimeUnixNano).ToList()));

        var rows = tree.FindAll("[data-testid=span-row]");
        Assert.Equal(["root", "a", "a1", "b"], rows.Select(r => r.GetAttribute("data-span-id")));
        Assert.Equal(["0", "1", "2", "1"], rows.Select(r => r.GetAttribute("data-depth")));
        Assert.Empty(tree.FindAll("[data-testid=orphan-marker]"));
    }

    [Fact]
    public void SpanTree_ParentNeverArrived_ShowsSpanUnderTraceMarkedOrphan()
    {
        SpanDetail[] spans = [Span("root", null), Span("lost", "missing-parent", 5), Span("lost-child", "lost", 6)];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        var orphan = tree.Find("[data-span-id=lost]");
        Assert.Equal("true", orphan.GetAttribute("data-orphan"));
        Assert.Equal("0", orphan.GetAttribute("data-depth"));
        Assert.Single(orphan.QuerySelectorAll("[data-testid=orphan-marker]"));
        Assert.Equal("1", tree.Find("[data-span-id=lost-child]").GetAttribute("data-depth"));
        Assert.Single(tree.FindAll("[data-testid=orphan-marker]"));
    }

    [Fact]
    public void SpanTree_ParentCycle_StillShowsEverySpan()
    {
        SpanDetail[] spans = [Span("x", "y"), Span("y", "x", 1)];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        Assert.Equal(2, tree.FindAll("[data-testid=span-row]").Count);
    }

    [Fact]
    public void SpanTree_ToggleClicked_HidesAndShowsDescendants()
    {
        SpanDetail[] spans = [Span("root", null), Span("a", "root", 1), Span("a1", "a", 2), Span("b", "root", 3)];
        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        tree.Find("[data-span-id=a] [data-testid=span-toggle]").Click();

        Assert.Equal(
            ["root", "a", "b"],
            tree.FindAll("[data-testid=span-row]").Select(r => r.GetAttribute("data-span-id")));

        tree.Find("[data-span-id=a] [data-testid=span-toggle]").Click();

        Assert.Equal(4, tree.FindAll("[data-testid=span-row]").Count);
    }

    [Fact]
    public void SpanTree_RowClicked_ReportsTheSpanAndMarksTheSelection()
    {
        SpanDetail[] spans = [Span("root", null), Span("a", "root", 1)];
        string? selected = null;
        var tree = Render<SpanTree>(p => p
            .Add(t => t.Spans, spans)
            .Add(t => t.OnSelect, (string id) => selected = id));

        tree.Find("[data-span-id=a]").Click();
        tree.Render(p => p.Add(t => t.SelectedSpanId, selected));

        Assert.Equal("a", selected);
        Assert.Equal("true", tree.Find("[data-span-id=a]").GetAttribute("aria-selected"));
    }

    [Fact]
    public void SpanTreeBuilder_TenThousandSpansHundredDeep_BuildsInLinearTime()
    {
        var spans = new List<SpanDetail>(10_000);
        for (var chain = 0; chain < 100; chain++)
        {
            for (var depth = 0; depth < 100; depth++)
            {
                var parent = depth == 0 ? null : $"c{chain}-d{depth - 1}";
                spans.Add(Span($"c{chain}-d{depth}", parent, (chain * 100) + depth));
            }
        }

        SpanTreeBuilder.Build(spans.Take(100).ToList());
        var clock = Stopwatch.StartNew();
        var rows = SpanTreeBuilder.Build(spans);
        clock.Stop();

        Assert.Equal(10_000, rows.Count);
        Assert.Equal(99, rows.Max(r => r.Depth));
        Assert.Equal(100, rows.Count(r => r.Depth == 0));

        // A quadratic build needs ~10^8 steps here; the linear one takes a few milliseconds.
        Assert.True(clock.ElapsedMilliseconds < 500, $"Building took {clock.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public void SpanTree_TenThousandSpansDepthHundred_RendersOnlyAWindowOfRows()
    {
        var spans = Enumerable.Range(0, 10_000)
            .Select(i => Span($"s{i}", i % 100 == 0 ? null : $"s{i - 1}", i))
            .ToList();

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        var rows = tree.FindAll("[data-testid=span-row]");
        Assert.InRange(rows.Count, 20, SpanTree.MaxRenderedRows + 40);
        Assert.Equal("s0", rows[0].GetAttribute("data-span-id"));
        Assert.Equal("99", tree.Find("[data-span-id=s99]").GetAttribute("data-depth"));
    }

    [Fact]
    public void SpanTree_HundredDeepChain_IndentStopsAtTheCapAndDeepRowsShowTheirDepth()
    {
        var spans = Enumerable.Range(0, 100)
            .Select(i => Span($"s{i}", i == 0 ? null : $"s{i - 1}", i))
            .ToList();

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        var indents = tree.FindAll("[data-testid=span-row]")
            .ToDictionary(r => r.GetAttribute("data-span-id")!, r => Indent(r.QuerySelector(".span-cell")!));
        Assert.True(indents["s1"] > indents["s0"], "A child is indented under its parent.");
        Assert.Equal(SpanTree.MaxIndentPixels, indents["s99"]);
        Assert.Equal(SpanTree.MaxIndentPixels, indents.Values.Max());
        Assert.Empty(tree.Find("[data-span-id=s1]").QuerySelectorAll("[data-testid=span-depth]"));
        Assert.Equal("99", tree.Find("[data-span-id=s99] [data-testid=span-depth]").TextContent.Trim());
        Assert.Single(tree.Find("[data-span-id=s99]").QuerySelectorAll("[data-testid=span-name]"));
    }

    internal static SpanDetail Span(string id, string? parent, long startOffset = 0) => new()
    {
        SpanId = id,
        ParentSpanId = parent,
        Name = "span " + id,
        Type = SpanType.Span,
        Status = SpanStatus.Ok,
        StartTimeUnixNano = 1_000_000 + startOffset,
        EndTimeUnixNano = 2_000_000 + startOffset,
        DurationMs = 1,
        Usage = new SpanUsage(null, null, null, null, null, null, false),
        Events = [],
        Links = [],
        Truncations = [],
    };

    private static int Indent(AngleSharp.Dom.IElement cell)
    {
        var match = System.Text.RegularExpressions.Regex.Match(
            cell.GetAttribute("style") ?? string.Empty,
            @"padding-left:\s*(\d+)px");
        Assert.True(match.Success, $"No pixel indent in '{cell.GetAttribute("style")}'.");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
