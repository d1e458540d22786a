using System.Diagnostics;
using System.Text.Json;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using LlmObserve.Web.Traces;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// The trace detail, session and user pages in Chromium: the waterfall, selecting spans, a session read as a
/// conversation, and hostile captured content that must stay inert.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class TraceDetailBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    // A 1×1 PNG; the page must show it as a small image, never as base64 text.
    private const string PngDataUrl = "data:image/png;base64,"
        + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private const string Hostile = "<img src=x onerror=\"window.__injected=1\"><script>window.__injected=2</script>";

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private TraceStore _store = null!;
    private string _projectId = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        _store = new TraceStore(_app);
        _projectId = await _store.ProjectIdAsync();

        // Set before any page script runs, so a payload that executes during load is caught too.
        await _browser.Page.Context.AddInitScriptAsync("window.__injected = 0");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TraceDetail_TimelineAndHostileMessages_SelectsSpansAndKeepsContentInert()
    {
        var traceId = await AddAgentTraceAsync();
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + traceId).ToString());
        await page.GetByTestId("trace-detail-page").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("span-row")).ToHaveCountAsync(3);
        var llmBar = page.Locator($"[data-span-id='{TraceStore.SpanId(2)}'] [data-testid=span-bar]");
        Assert.Equal("25", await llmBar.GetAttributeAsync("data-offset"));
        Assert.Equal("50", await llmBar.GetAttributeAsync("data-width"));
        var barBox = await llmBar.BoundingBoxAsync();
        var laneBox = await page.Locator($"[data-span-id='{TraceStore.SpanId(2)}'] [data-testid=span-lane]")
            .BoundingBoxAsync();
        Assert.InRange(barBox!.Width / laneBox!.Width, 0.45, 0.55);

        await page.Locator($"[data-span-id='{TraceStore.SpanId(2)}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("span-detail-name")).ToHaveTextAsync("chat gpt-4o");
        Assert.Contains("span=" + TraceStore.SpanId(2), page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("span-details")).ToContainTextAsync("javascript:alert(3)");
        var thumbnail = page.GetByTestId("message-image");
        await Assertions.Expect(thumbnail).ToBeVisibleAsync();
        var box = await thumbnail.BoundingBoxAsync();
        Assert.True(box!.Width <= 160 && box.Height <= 160, $"Thumbnail is {box.Width}×{box.Height}.");
        await Assertions.Expect(page.GetByTestId("span-details")).Not.ToContainTextAsync("iVBORw0KGgo");

        await page.Locator($"[data-span-id='{TraceStore.SpanId(3)}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("exception-type")).ToHaveTextAsync("TimeoutException");
        await Assertions.Expect(page.GetByTestId("exception-stack").Locator(".trace-box")).Not.ToBeVisibleAsync();

        Assert.Equal(0, await page.EvaluateAsync<int>("window.__injected"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, await page.Locator("a[href^='javascript']").CountAsync());
    }

    [Fact]
    public async Task TraceDetail_NativeMultimodalMessages_ShowTextAndBoundedThumbnailsNeverBase64Text()
    {
        // A 3 MB "image": more than the field limit, so it is cut at ingestion and must not come back as text.
        var huge = "data:image/png;base64," + new string('A', 3 * 1024 * 1024);
        using var client = _app.CreateClient();
        var body = JsonSerializer.Serialize(new
        {
            traces = new[]
            {
                new
                {
                    id = TraceStore.TraceId(79),
                    name = "vision",
                    spans = new[]
                    {
                        new
                        {
                            id = TraceStore.SpanId(79),
                            name = "describe image",
                            type = "generation",
                            input = new object[]
                            {
                                new
                                {
                                    role = "user",
                                    content = new object[]
                                    {
                                        new { type = "text", text = "What is in this picture?" },
                                        new { type = "image_url", image_url = new { url = PngDataUrl } },
                                        new { type = "image_url", image_url = new { url = huge } },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        });
        var ingest = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, ingest.StatusCode);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(
            _app.BaseAddress,
            $"traces/{TraceStore.TraceId(79)}?span={TraceStore.SpanId(79)}").ToString());
        await WaitUntilInteractiveAsync(page);

        var details = page.GetByTestId("span-details");
        await Assertions.Expect(details.GetByTestId("message-content")).ToHaveTextAsync("What is in this picture?");
        var thumbnail = details.GetByTestId("message-image");
        await Assertions.Expect(thumbnail).ToHaveCountAsync(1);
        await Assertions.Expect(thumbnail).ToBeVisibleAsync();
        var box = await thumbnail.BoundingBoxAsync();
        Assert.True(box!.Width <= 160 && box.Height <= 160, $"Thumbnail is {box.Width}×{box.Height}.");
        await Assertions.Expect(details).Not.ToContainTextAsync("iVBORw0KGgo");
        var shownText = (await details.InnerTextAsync()).Length;
        Assert.True(shownText < 20_000, $"The span details show {shownText:N0} characters of text.");
    }

    [Fact]
    public async Task SessionPage_ThreeTurns_ReadsAsAConversationInOrderAndLinksToTraces()
    {
        var traces = Enumerable.Range(1, 3)
            .Select(n =>
            {
                var trace = TraceStore.Trace(_projectId, 40 + n, 4 - n);
                trace.SessionId = "sess-1";
                trace.UserId = "ada";
                trace.InputText = $"question {n}";
                trace.OutputText = $"answer {n} " + Hostile;
                return trace;
            })
            .ToList();

        // Inserted newest first, shown oldest first.
        await _store.AddAsync(traces);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "sessions/sess-1").ToString());
        await page.GetByTestId("session-page").WaitForAsync();

        // A link clicked while the prerendered page turns interactive can be lost, so the click waits for the circuit.
        await WaitUntilInteractiveAsync(page);

        var inputs = await page.GetByTestId("session-turn-input").AllInnerTextsAsync();
        Assert.Equal(["question 3", "question 2", "question 1"], inputs);
        await page.GetByTestId("session-turn-link").First.ClickAsync();
        await page.GetByTestId("trace-detail-page").WaitForAsync();
        Assert.EndsWith("traces/" + TraceStore.TraceId(43), page.Url, StringComparison.Ordinal);
        var userHref = await page.GetByTestId("trace-user").GetAttributeAsync("href");
        Assert.Equal("users/ada", userHref);
        await page.GotoAsync(new Uri(_app.BaseAddress, userHref).ToString());
        await Assertions.Expect(page.GetByTestId("user-trace-count")).ToHaveTextAsync("3");
        Assert.Equal(0, await page.EvaluateAsync<int>("window.__injected"));
    }

    [Fact]
    public async Task TraceDetail_TenThousandSpansHundredDeep_ShowsAWindowOfRowsSelectsAndScrollsToALinkedSpan()
    {
        var trace = TraceStore.Trace(_projectId, 77, 0);
        trace.SpanCount = 10_000;
        var spans = Enumerable.Range(0, 10_000)
            .Select(i => TraceStore.Span(
                _projectId,
                trace.TraceId,
                i + 1,
                i % 100 == 0 ? null : TraceStore.SpanId(i),
                i * 0.01))
            .ToList();
        await _store.AddAsync([trace], spans);
        var page = _browser.Page;

        var url = new Uri(_app.BaseAddress, "traces/" + trace.TraceId).ToString();

        var cold = await OpenAndSelectAsync(page, url, TraceStore.SpanId(5));
        var warm = await OpenAndSelectAsync(page, url, TraceStore.SpanId(7));

        await page.GotoAsync(url + "?span=" + TraceStore.SpanId(5000));
        var deep = page.Locator($"[data-span-id='{TraceStore.SpanId(5000)}']");
        await Assertions.Expect(deep).ToBeInViewportAsync();
        await Assertions.Expect(deep).ToHaveAttributeAsync("aria-selected", "true");

        var rendered = await page.GetByTestId("span-row").CountAsync();
        Assert.InRange(rendered, 1, 300);

        // Every open's circuit took the outline its prerender had started reading, rather than reading it again.
        Assert.Equal(0, _app.GetRequiredService<TracePageHandoff>().Count);
        output.WriteLine(
            $"10,000 spans, depth 100, {rendered} rows in the page. Cold: first rows {cold.FirstRows} ms, "
            + $"span selected {cold.Selected} ms. Warm: first rows {warm.FirstRows} ms, "
            + $"span selected {warm.Selected} ms.");
    }

    [Fact]
    public async Task TraceDetail_HundredDeepChain_TheDeepestNameIsReadableBesideItsDepth()
    {
        var trace = TraceStore.Trace(_projectId, 78, 0);
        trace.SpanCount = 100;
        var spans = Enumerable.Range(1, 100)
            .Select(n =>
            {
                var span = TraceStore.Span(_projectId, trace.TraceId, n, n == 1 ? null : TraceStore.SpanId(n - 1), n);
                span.Name = "step " + n;
                return span;
            })
            .ToList();
        await _store.AddAsync([trace], spans);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, $"traces/{trace.TraceId}?span={TraceStore.SpanId(100)}")
            .ToString());
        await WaitUntilInteractiveAsync(page);

        // The link scrolls the tree to the span, and the window to the tree's last rows when they reach below it.
        var deepest = page.Locator($"[data-span-id='{TraceStore.SpanId(100)}']");
        await Assertions.Expect(deepest).ToBeInViewportAsync(new() { Ratio = 1 });
        var name = await deepest.GetByTestId("span-name").BoundingBoxAsync();
        var cell = await deepest.Locator(".span-cell").BoundingBoxAsync();
        Assert.NotNull(name);
        Assert.True(
            name.X >= cell!.X && name.X + name.Width <= cell.X + cell.Width && name.Width >= 40,
            $"The name sits at {name.X:F0}+{name.Width:F0} px in a cell at {cell.X:F0}+{cell.Width:F0} px.");
        await Assertions.Expect(deepest.GetByTestId("span-depth")).ToHaveTextAsync("99");
    }

    // The prerendered page is replaced once the circuit runs; its zone label then names the browser's zone, and
    // only elements measured after that stay in the page.
    private static Task WaitUntilInteractiveAsync(IPage page)
        => Assertions.Expect(page.GetByText("Times in Europe/Berlin")).ToBeVisibleAsync();

    private static async Task<(long FirstRows, long Selected)> OpenAndSelectAsync(
        IPage page,
        string url,
        string spanId)
    {
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(url);
        await page.GetByTestId("span-row").First.WaitForAsync();
        var firstRows = clock.ElapsedMilliseconds;

        // A click only selects once the circuit is up; retrying until it shows measures time to interactive.
        var target = page.Locator($"[data-span-id='{spanId}']");
        while (true)
        {
            await target.ClickAsync();
            try
            {
                await Assertions.Expect(target).ToHaveAttributeAsync(
                    "aria-selected",
                    "true",
                    new() { Timeout = 100 });
                break;
            }
            catch (PlaywrightException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
            }
        }

        return (firstRows, clock.ElapsedMilliseconds);
    }

    private async Task<string> AddAgentTraceAsync()
    {
        var trace = TraceStore.Trace(_projectId, 9, 0);
        trace.SessionId = "sess-9";
        trace.UserId = "grace";
        trace.OutputText = "done " + Hostile;
        var start = TraceStore.BaseTime;
        var root = TraceStore.Span(_projectId, trace.TraceId, 1, null, 0);
        root.Name = "agent";
        root.EndTimeUnixNano = TraceStore.Nanos(start.AddMilliseconds(1000));
        var llm = TraceStore.Span(_projectId, trace.TraceId, 2, root.SpanId, 250);
        llm.Name = "chat gpt-4o";
        llm.Type = SpanType.Generation;
        llm.Model = "gpt-4o";
        llm.EndTimeUnixNano = TraceStore.Nanos(start.AddMilliseconds(750));
        llm.InputMessagesJson = $$$"""
            [{"role":"user","content":"see [this](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a>",
              "parts":[{"type":"image_url","image_url":{"url":"{{{PngDataUrl}}}"}}]}]
            """;
        llm.OutputMessagesJson = """[{"role":"assistant","content":"<img src=x onerror=\"window.__injected=3\">"}]""";
        var tool = TraceStore.Span(_projectId, trace.TraceId, 3, root.SpanId, 800);
        tool.Name = "search";
        tool.Type = SpanType.Tool;
        tool.Status = SpanStatus.Error;
        tool.EventsJson = """
            [{"name":"exception","timeUnixNano":1,"attributes":{"exception.type":"TimeoutException",
              "exception.message":"<script>window.__injected=4</script>","exception.stacktrace":"at Search()"}}]
            """;
        await _store.AddAsync([trace], [root, llm, tool]);
        return trace.TraceId;
    }
}
