using System.Net;
using System.Text.RegularExpressions;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Traces;

/// <summary>The trace pages as the server first renders them, before the browser connects.</summary>
public sealed partial class TracePagesTests
{
    [Fact]
    public async Task TraceList_StoredTraces_ListsThemNewestFirstWithTimeZoneNamed()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        await store.AddAsync([TraceStore.Trace(projectId, 1, 0), TraceStore.Trace(projectId, 2, 5)]);
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(new Uri("traces", UriKind.Relative));

        Assert.Equal([TraceStore.TraceId(2), TraceStore.TraceId(1)], RowTraceIds(html));
        Assert.Contains("Time (UTC)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceList_StatusFilterInUrl_ListsOnlyMatchingTraces()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var failed = TraceStore.Trace(projectId, 2, 5);
        failed.Status = SpanStatus.Error;
        await store.AddAsync([TraceStore.Trace(projectId, 1, 0), failed]);
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(new Uri("traces?status=error", UriKind.Relative));

        Assert.Equal([TraceStore.TraceId(2)], RowTraceIds(html));
    }

    [Fact]
    public async Task TraceList_MoreThanOnePage_OffersLoadMore()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        await store.AddAsync(Enumerable.Range(1, 60).Select(n => TraceStore.Trace(projectId, n, n)));
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(new Uri("traces", UriKind.Relative));

        Assert.Equal(50, RowTraceIds(html).Count);
        Assert.Contains("data-testid=\"load-more\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceView_UnknownId_SaysTraceNotFound()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(new Uri("traces/" + TraceStore.TraceId(77), UriKind.Relative));

        Assert.Contains("data-testid=\"trace-not-found\"", html, StringComparison.Ordinal);
        Assert.Contains("Trace not found", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceView_MarkupInCapturedText_IsRenderedAsEscapedText()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var trace = TraceStore.Trace(projectId, 1, 0);
        trace.InputText = "<script>alert('in')</script>";
        trace.OutputText = "<img src=x onerror=alert('out')>";
        var span = TraceStore.Span(projectId, trace.TraceId, 1, null, 0);
        span.OutputMessagesJson = """[{"role":"assistant","content":"<script>alert('msg')</script>"}]""";
        await store.AddAsync([trace], [span]);
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(new Uri("traces/" + trace.TraceId, UriKind.Relative));

        Assert.Contains("&lt;script&gt;alert(&#x27;in&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(&#x27;out&#x27;)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;msg&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceView_SpanInUrl_ShowsThatSpansDetails()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var trace = TraceStore.Trace(projectId, 1, 0);
        var root = TraceStore.Span(projectId, trace.TraceId, 1, null, 0);
        var child = TraceStore.Span(projectId, trace.TraceId, 2, root.SpanId, 1);
        child.Name = "retrieval kb";
        child.DocumentsJson = """[{"id":"kb-42","content":"Reset via the link.","score":0.5}]""";
        await store.AddAsync([trace], [root, child]);
        using var client = app.CreateClient(authenticated: false);

        var html = await client.GetStringAsync(
            new Uri($"traces/{trace.TraceId}?span={child.SpanId}", UriKind.Relative));

        Assert.Contains("data-testid=\"span-tree\"", html, StringComparison.Ordinal);
        Assert.Contains("kb-42", html, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"span-detail-name\"[^>]*>retrieval kb<", html);
    }

    [Fact]
    public async Task TimeZoneModule_IsServedBesideTheComponent()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient(authenticated: false);

        var response = await client.GetAsync(
            new Uri("Components/Pages/Traces/LocalTime.razor.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("resolvedOptions().timeZone", script, StringComparison.Ordinal);
    }

    private static List<string> RowTraceIds(string html)
        => [.. RowPattern().Matches(html).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("data-testid=\"trace-row\" data-trace-id=\"([0-9a-f]{32})\"")]
    private static partial Regex RowPattern();
}
