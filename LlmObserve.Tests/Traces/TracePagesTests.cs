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
        using var client = await app.CreateSignedInClientAsync();

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
        using var client = await app.CreateSignedInClientAsync();

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
        using var client = await app.CreateSignedInClientAsync();

        var html = await client.GetStringAsync(new Uri("traces", UriKind.Relative));

        Assert.Equal(50, RowTraceIds(html).Count);
        Assert.Contains("data-testid=\"load-more\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("traces/00000000000000000000000000000077", "trace-not-found", "Trace not found")]
    [InlineData("traces/not-a-trace-id", "trace-not-found", "Trace not found")]
    [InlineData("sessions/no-such-session", "session-not-found", "Session not found")]
    [InlineData("users/no-such-user", "user-not-found", "User not found")]
    public async Task Page_UnknownTraceSessionOrUser_Answers404WithItsOwnMessage(
        string path,
        string testId,
        string message)
    {
        await using var app = await RunningApp.StartAsync();
        using var client = await app.CreateSignedInClientAsync();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"data-testid=\"{testId}\"", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"not-found\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_KnownTraceSessionAndUser_Answer200()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        var trace = TraceStore.Trace(projectId, 8, 0);
        trace.SessionId = "sess-8";
        trace.UserId = "user-8";
        await store.AddAsync([trace], [TraceStore.Span(projectId, trace.TraceId, 1, null, 0)]);
        using var client = await app.CreateSignedInClientAsync();

        string[] paths = ["traces/" + trace.TraceId, "sessions/sess-8", "users/user-8", "not-a-page"];
        var statuses = new List<HttpStatusCode>();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound], statuses);
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
        using var client = await app.CreateSignedInClientAsync();

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
        using var client = await app.CreateSignedInClientAsync();

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
        using var client = await app.CreateSignedInClientAsync();

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
