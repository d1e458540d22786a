using System.Text.Json;
using Bunit;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Components.Pages.Traces;
using LlmObserve.Web.Traces;
using MudBlazor.Services;

namespace LlmObserve.Tests.Traces;

public sealed class SpanTimelineTests : BunitContext
{
    private const long Ms = 1_000_000;

    [Fact]
    public void SpanTree_SpansAtKnownTimes_PlacesBarsByOffsetAndDurationOfTheTrace()
    {
        SpanDetail[] spans =
        [
            Timed("root", null, 0, 1000),
            Timed("first", "root", 0, 250),
            Timed("middle", "root", 250, 750),
            Timed("last", "root", 900, 1000),
        ];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        Assert.Equal(["0", "0", "25", "90"], Bars(tree, "data-offset"));
        Assert.Equal(["100", "25", "50", "10"], Bars(tree, "data-width"));
        Assert.Contains("left: 25%; width: 50%", Bar(tree, "middle").GetAttribute("style"), StringComparison.Ordinal);
    }

    [Fact]
    public void SpanTree_ZeroLengthSpan_StillDrawsAVisibleBarInsideTheTrace()
    {
        SpanDetail[] spans =
        [
            Timed("root", null, 0, 100),
            Timed("instant", "root", 40, 40),
            Timed("end", "root", 100, 100),
        ];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        Assert.Equal("40", Bar(tree, "instant").GetAttribute("data-offset"));
        Assert.Equal("0.3", Bar(tree, "instant").GetAttribute("data-width"));
        Assert.Equal("100", Bar(tree, "end").GetAttribute("data-offset"));
        Assert.Equal("0", Bar(tree, "end").GetAttribute("data-width"));
    }

    [Fact]
    public void SpanTree_RowsOfTreeAndTimeline_ShareOneRowPerSpan()
    {
        SpanDetail[] spans = [Timed("root", null, 0, 10), Timed("child", "root", 2, 8)];

        var tree = Render<SpanTree>(p => p.Add(t => t.Spans, spans));

        foreach (var row in tree.FindAll("[data-testid=span-row]"))
        {
            Assert.Single(row.QuerySelectorAll("[data-testid=span-name]"));
            Assert.Single(row.QuerySelectorAll("[data-testid=span-bar]"));
        }
    }

    [Fact]
    public void SpanDetailsPanel_ExceptionEvent_ShowsTypeMessageAndCollapsedStack()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var attributes = JsonSerializer.Deserialize<JsonElement>("""
            {"exception.type":"System.TimeoutException","exception.message":"<b>upstream</b> timed out",
             "exception.stacktrace":"at Llm.Call()\n   at Agent.Run()"}
            """);
        var span = Timed("failed", null, 0, 5) with
        {
            Status = SpanStatus.Error,
            Events = [new SpanEventRecord { Name = "exception", TimeUnixNano = 3 * Ms, Attributes = attributes }],
        };

        var panel = Render<SpanDetailsPanel>(p => p
            .Add(d => d.Span, span)
            .Add(d => d.Zone, new ViewerTimeZone()));

        Assert.Equal("System.TimeoutException", panel.Find("[data-testid=exception-type]").TextContent.Trim());
        Assert.Equal("<b>upstream</b> timed out", panel.Find("[data-testid=exception-message]").TextContent.Trim());
        var stack = panel.Find("[data-testid=exception-stack]");
        Assert.Equal("DETAILS", stack.TagName);
        Assert.False(stack.HasAttribute("open"));
        Assert.Contains("at Agent.Run()", stack.TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid=span-exception] b b"));
    }

    [Fact]
    public void SpanDetailsPanel_LinkToAnotherTrace_PointsAtThatTraceAndSpan()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        var span = Timed("linked", null, 0, 5) with
        {
            Links = [new SpanLinkRecord { TraceId = new string('a', 32), SpanId = new string('b', 16) }],
        };

        var panel = Render<SpanDetailsPanel>(p => p
            .Add(d => d.Span, span)
            .Add(d => d.Zone, new ViewerTimeZone()));

        var href = panel.Find("[data-testid=span-link] a").GetAttribute("href");
        Assert.Equal($"traces/{new string('a', 32)}?span={new string('b', 16)}", href);
    }

    private static List<string> Bars(IRenderedComponent<SpanTree> tree, string attribute)
        => [.. tree.FindAll("[data-testid=span-bar]").Select(b => b.GetAttribute(attribute) ?? "")];

    private static AngleSharp.Dom.IElement Bar(IRenderedComponent<SpanTree> tree, string spanId)
        => tree.Find($"[data-span-id={spanId}] [data-testid=span-bar]");

    private static SpanDetail Timed(string id, string? parent, double startMs, double endMs)
        => SpanTreeTests.Span(id, parent) with
        {
            StartTimeUnixNano = (long)(startMs * Ms),
            EndTimeUnixNano = (long)(endMs * Ms),
            DurationMs = endMs - startMs,
        };
}
