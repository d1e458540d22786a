using Bunit;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Components.Pages.Traces;
using LlmObserve.Web.Traces;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LlmObserve.Tests.Scores;

/// <summary>The scores panel of the trace page: who scored what, and the judge's explanation as inert text.</summary>
public sealed class ScoresPanelTests : BunitContext
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private static readonly DateTimeOffset Created = new(2026, 12, 4, 10, 30, 0, TimeSpan.Zero);

    public ScoresPanelTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void ScoresPanel_JudgeScoreOnASpan_ShowsValueLabelSourceEvaluatorSpanAndTime()
    {
        ScoreView[] scores =
        [
            new(1, "b7ad6b7169203331", "groundedness", 0.25, "hallucinated", "The date is not in the context.",
                "judge", "groundedness-judge", "3", Created),
            new(2, null, "helpful", null, "yes", null, "user", null, null, Created),
        ];

        var panel = Render<ScoresPanel>(p => p
            .Add(c => c.Scores, scores)
            .Add(c => c.Zone, new ViewerTimeZone())
            .Add(c => c.TraceId, TraceId)
            .Add(c => c.SpanNames, new Dictionary<string, string> { ["b7ad6b7169203331"] = "retrieve docs" }));

        var rows = panel.FindAll("[data-testid=score-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal(
            ["groundedness", "0.25", "hallucinated", "judge", "groundedness-judge, version 3", "retrieve docs",
                "2026-12-04 10:30:00.000", "The date is not in the context."],
            rows[0].Children.Select(c => c.TextContent.Trim()));
        Assert.Equal(
            ["helpful", "–", "yes", "user", "–", "trace"],
            rows[1].Children.Take(6).Select(c => c.TextContent.Trim()));
        Assert.Equal(
            "traces/" + TraceId + "?span=b7ad6b7169203331",
            panel.Find("[data-testid=score-span] a").GetAttribute("href"));
    }

    [Fact]
    public void ScoresPanel_MarkupInExplanation_RendersAsEscapedText()
    {
        const string explanation = "<script>window.__injected=1</script><img src=x onerror=\"window.__injected=2\">";
        ScoreView[] scores =
        [
            new(1, null, "<b>tone</b>", 0.5, "<i>ok</i>", explanation, "judge", "<u>judge</u>", "1", Created),
        ];

        var panel = Render<ScoresPanel>(p => p
            .Add(c => c.Scores, scores)
            .Add(c => c.Zone, new ViewerTimeZone())
            .Add(c => c.TraceId, TraceId));

        Assert.Empty(panel.FindAll("script"));
        Assert.Empty(panel.FindAll("img"));
        Assert.Empty(panel.FindAll("b, i, u"));
        Assert.Equal(explanation, panel.Find("[data-testid=score-explanation]").TextContent);
        Assert.Contains("&lt;script&gt;", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoresPanel_LongExplanation_IsCollapsedUntilShowAll()
    {
        var explanation = "The answer cites a refund window of 60 days. " + new string('x', 1000) + " END";
        ScoreView[] scores = [new(1, null, "groundedness", 0.1, null, explanation, "judge", "g", "1", Created)];

        var panel = Render<ScoresPanel>(p => p
            .Add(c => c.Scores, scores)
            .Add(c => c.Zone, new ViewerTimeZone())
            .Add(c => c.TraceId, TraceId));
        var collapsed = panel.Find("[data-testid=score-explanation]").TextContent;
        panel.Find("[data-testid=show-all]").Click();
        var expanded = panel.Find("[data-testid=score-explanation]").TextContent;

        Assert.Equal(explanation[..ScoresPanel.ExplanationLimit] + "…", collapsed);
        Assert.Equal(explanation, expanded);
        Assert.Empty(panel.FindAll("[data-testid=show-all]"));
    }

    [Fact]
    public void ScoresPanel_Compact_ShowsEachScoreAsABlockWithoutATable()
    {
        ScoreView[] scores =
        [
            new(1, "b7ad6b7169203331", "context_relevance", 0.5, "relevant", "<b>Two</b> of four documents help.",
                "judge", "context-judge", "2", Created),
        ];

        var panel = Render<ScoresPanel>(p => p
            .Add(c => c.Scores, scores)
            .Add(c => c.Zone, new ViewerTimeZone())
            .Add(c => c.TraceId, TraceId)
            .Add(c => c.Compact, true));

        Assert.Empty(panel.FindAll("table"));
        var block = panel.Find("[data-testid=score-row]");
        Assert.Equal(
            ["context_relevance", "0.5", "relevant", "judge", "context-judge, version 2"],
            new[] { "score-name", "score-value", "score-label", "score-source", "score-evaluator" }
                .Select(id => block.QuerySelector($"[data-testid={id}]")!.TextContent));
        Assert.Equal("<b>Two</b> of four documents help.", block.QuerySelector("[data-testid=score-explanation]")!
            .TextContent);
        Assert.Empty(panel.FindAll("[data-testid=score-explanation] b"));
    }
}
