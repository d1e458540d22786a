using Bunit;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Components.Pages.Traces;

namespace LlmObserve.Tests.Traces;

/// <summary>The trace detail as the server first renders it: what it ships, and what it leaves for later.</summary>
public sealed class TraceDetailPagesTests : BunitContext
{
    [Fact]
    public async Task TraceView_LargeFieldOfAnotherSpan_IsLoadedOnlyWhenThatSpanIsSelected()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var trace = TraceStore.Trace(projectId, 5, 0);
        var root = TraceStore.Span(projectId, trace.TraceId, 1, null, 0);
        var child = TraceStore.Span(projectId, trace.TraceId, 2, root.SpanId, 5);
        child.InputText = "only-on-selection " + new string('x', 50_000);
        child.AttributesJson = """{"marker.attribute":"child-only"}""";
        await store.AddAsync([trace], [root, child]);
        using var client = await app.CreateSignedInClientAsync();

        var rootPage = await client.GetStringAsync(new Uri("traces/" + trace.TraceId, UriKind.Relative));
        var childPage = await client.GetStringAsync(
            new Uri($"traces/{trace.TraceId}?span={child.SpanId}", UriKind.Relative));

        Assert.DoesNotContain("only-on-selection", rootPage, StringComparison.Ordinal);
        Assert.DoesNotContain("child-only", rootPage, StringComparison.Ordinal);
        Assert.Contains("only-on-selection", childPage, StringComparison.Ordinal);
        Assert.Contains("child-only", childPage, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"show-all\"", childPage, StringComparison.Ordinal);
        Assert.True(childPage.Length < 40_000, $"The page carries {childPage.Length:N0} characters.");
    }

    [Fact]
    public async Task TraceView_NoScoresOrFeedback_ShowsBothPanelsEmpty()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var trace = TraceStore.Trace(projectId, 6, 0);
        trace.SessionId = "s/1";
        trace.UserId = "u 1";
        await store.AddAsync([trace], [TraceStore.Span(projectId, trace.TraceId, 1, null, 0)]);
        using var client = await app.CreateSignedInClientAsync();

        var html = await client.GetStringAsync(new Uri("traces/" + trace.TraceId, UriKind.Relative));

        Assert.Contains("data-testid=\"trace-scores-empty\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"trace-feedback-empty\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"sessions/s%2F1\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"users/u%201\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void LongText_BeyondTheLimit_ShowsTheStartUntilShowAllIsClicked()
    {
        var text = new string('a', 3000) + "END";

        var view = Render<LongText>(p => p.Add(t => t.Text, text).Add(t => t.Limit, 100).Add(t => t.TestId, "t"));

        Assert.Equal(101, view.Find("[data-testid=t]").TextContent.Length);
        view.Find("[data-testid=show-all]").Click();
        Assert.EndsWith("END", view.Find("[data-testid=t]").TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("[data-testid=show-all]"));
    }
}
