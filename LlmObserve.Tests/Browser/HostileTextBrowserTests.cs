using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Captured text is whatever an LLM, a user or an instrumented app wrote. With markup, event handlers and
/// <c>javascript:</c> links in every field a page shows, no page may run any of it: every payload would set a
/// page-level flag, and the flag must stay 0 on the list, the trace, the session and the user pages.
/// </summary>
public sealed class HostileTextBrowserTests : IAsyncLifetime
{
    // Each payload sets the flag its own way; the attribute breakout targets text that lands in attribute values.
    internal const string Payload = "<img src=x onerror=\"window.__injected=1\">"
        + "<script>window.__injected=2</script>"
        + "<svg onload=\"window.__injected=3\"></svg>"
        + "<a href=\"javascript:window.__injected=4\">click me</a> [click me too](javascript:window.__injected=5) "
        + "\" onmouseover=\"window.__injected=6\" data-x=\"";

    // For fields with a short limit (a score's name is at most 200 characters).
    private const string ShortPayload =
        "<img src=x onerror=\"window.__injected=9\"><script>window.__injected=10</script>";

    // Ids end up in paths and links too, so they avoid '/', which no id router would keep.
    private const string HostileSession = "<img src=x onerror=window.__injected=7>";
    private const string HostileUser = "\"><svg onload=window.__injected=8>";

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private string _traceId = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        var store = new TraceStore(_app);
        _traceId = await AddHostileTraceAsync(store, await store.ProjectIdAsync());

        // Set before any page script runs, so a payload that executes while the page loads is caught too.
        await _browser.Page.Context.AddInitScriptAsync("window.__injected = 0");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task HostileText_InEveryShownField_StaysInertOnListTraceSessionAndUserPages()
    {
        var page = _browser.Page;

        await OpenAsync(page, "traces");
        await Assertions.Expect(page.GetByTestId("trace-input")).ToContainTextAsync("question");
        await page.GetByTestId("trace-input").HoverAsync();
        await page.GetByTestId("trace-output").HoverAsync();
        await AssertInertAsync(page, "list");

        await OpenAsync(page, "traces?search=click");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        await AssertInertAsync(page, "list searched");

        await OpenAsync(page, "traces/" + _traceId);
        await Assertions.Expect(page.GetByTestId("trace-name")).ToContainTextAsync("<script>");
        foreach (var span in await page.GetByTestId("span-row").AllAsync())
        {
            await span.ClickAsync();
            await Assertions.Expect(span).ToHaveAttributeAsync("aria-selected", "true");
            await Assertions.Expect(page.GetByTestId("span-details")).ToContainTextAsync("window.__injected");
            await page.GetByText("click me").First.ClickAsync();
            await AssertInertAsync(page, "trace, span " + await span.GetAttributeAsync("data-span-id"));
        }

        await page.GetByTestId("trace-session").ClickAsync();
        await Assertions.Expect(page.GetByTestId("session-id")).ToHaveTextAsync(HostileSession);
        await Assertions.Expect(page.GetByTestId("session-turn-output")).ToContainTextAsync("click me");
        await AssertInertAsync(page, "session");

        await page.GetByTestId("session-user").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-id")).ToHaveTextAsync(HostileUser);
        await Assertions.Expect(page.GetByTestId("user-session-link")).ToHaveTextAsync(HostileSession);
        await AssertInertAsync(page, "user");

        await page.GetByTestId("user-traces-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("input[data-testid=trace-filter-userId]")).ToHaveValueAsync(HostileUser);
        await AssertInertAsync(page, "list of the user");
    }

    [Fact]
    public async Task HostileText_IngestedThroughTheApi_StaysInertOnOverviewQualityReviewAndDatasetPages()
    {
        using var client = _app.CreateClient();
        var traceId = await IngestHostileAsync(client);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "overview?range=1h").ToString());
        await Assertions.Expect(page.GetByTestId("top-users")).ToContainTextAsync(HostileUser);
        await Assertions.Expect(page.GetByTestId("top-sessions")).ToContainTextAsync(HostileSession);
        await AssertInertAsync(page, "overview");

        await page.GotoAsync(new Uri(_app.BaseAddress, "quality?range=1h").ToString());
        await Assertions.Expect(page.GetByTestId("quality-page")).ToContainTextAsync("judge <img src=x");
        await AssertInertAsync(page, "quality");

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + traceId).ToString());
        await Assertions.Expect(page.GetByTestId("trace-name")).ToContainTextAsync("<script>window.__injected=2");
        await AssertInertAsync(page, "trace ingested through the API");

        var queue = await CreateQueueAsync(client);
        await page.GotoAsync(new Uri(_app.BaseAddress, "annotation/" + queue).ToString());
        await Assertions.Expect(page.GetByTestId("review-item")).ToContainTextAsync("question <img src=x");
        await page.GetByText("click me").First.ClickAsync();
        await AssertInertAsync(page, "annotation review");

        var dataset = await AddToDatasetAsync(client, traceId);
        await page.GotoAsync(new Uri(_app.BaseAddress, "datasets?id=" + dataset).ToString());
        await Assertions.Expect(page.GetByText("question <img src=x").First).ToBeVisibleAsync();
        await AssertInertAsync(page, "datasets");
    }

    private static async Task<string> IngestHostileAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[]
            {
                new
                {
                    name = "agent " + Payload,
                    sessionId = HostileSession,
                    userId = HostileUser,
                    startTime = DateTimeOffset.UtcNow.AddMinutes(-3),
                    input = "question " + Payload,
                    output = "answer " + Payload,
                    tags = new[] { "tag " + Payload },
                    metadata = new Dictionary<string, string> { ["note " + Payload] = Payload },
                    spans = new object[]
                    {
                        new
                        {
                            name = "chat " + Payload,
                            type = "generation",
                            model = "gpt " + Payload,
                            input = Payload,
                            output = Payload,
                            cost = 0.25,
                            statusMessage = Payload,
                        },
                    },
                },
            },
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceIds")[0].GetString()!;

        using var scored = await client.PostAsJsonAsync("api/scores", new
        {
            traceId,
            name = "judge " + ShortPayload,
            value = 0.1,
            label = "hallucinated",
            explanation = "explanation " + Payload,
        });
        Assert.True(scored.IsSuccessStatusCode, await scored.Content.ReadAsStringAsync());
        return traceId;
    }

    private static async Task<string> CreateQueueAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "hostile " + ShortPayload,
            filter = "",
            scoreConfigs = new object[] { new { name = "correct " + ShortPayload, kind = "boolean" } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> AddToDatasetAsync(HttpClient client, string traceId)
    {
        using var created = await client.PostAsJsonAsync("api/datasets", new { name = "hostile" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var added = await client.PostAsJsonAsync($"api/datasets/{id}/items/from-trace", new { traceId });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        return id;
    }

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());

        // The time zone label changes once the circuit runs, so the live page, not only the prerender, is checked.
        await Assertions.Expect(page.GetByText("Europe/Berlin").First).ToBeVisibleAsync();
    }

    /// <summary>
    /// Fails when a payload ran (the page-level flag moved), planted an element, or left an inline handler anywhere.
    /// </summary>
    internal static async Task AssertInertAsync(IPage page, string where)
    {
        var injected = await page.EvaluateAsync<int>("window.__injected");
        var planted = await page.EvaluateAsync<int>("""
            () => document.querySelectorAll('img[src=x], svg[onload], a[href^="javascript" i], script:not([src])')
                .length
            """);
        var handlers = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('*')]
                .flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => e.tagName + ' ' + a.name))
            """);

        Assert.True(injected == 0, $"A payload ran on the {where} page (flag {injected}).");
        Assert.True(planted == 0, $"The {where} page holds {planted} elements planted by captured text.");
        Assert.True(handlers.Length == 0, $"The {where} page has inline handlers: {string.Join(", ", handlers)}.");
    }

    private static async Task<string> AddHostileTraceAsync(TraceStore store, string projectId)
    {
        var trace = TraceStore.Trace(projectId, 66, 0);
        trace.Name = "agent " + Payload;
        trace.SessionId = HostileSession;
        trace.UserId = HostileUser;
        trace.Environment = "env " + Payload;
        trace.Release = "rel " + Payload;
        trace.Models = "model" + Payload.Replace(",", " ", StringComparison.Ordinal);
        trace.TagsJson = StoreJson.Serialize(new[] { "tag " + Payload });
        trace.MetadataJson = StoreJson.Serialize(new Dictionary<string, string> { ["note"] = Payload });
        trace.InputText = "question " + Payload;
        trace.OutputText = "answer " + Payload;
        trace.SpanCount = 3;

        var root = TraceStore.Span(projectId, trace.TraceId, 1, null, 0);
        root.Name = "root " + Payload;
        root.Type = SpanType.Agent;
        root.InputText = Payload;
        root.OutputText = Payload;
        root.MetadataJson = StoreJson.Serialize(new Dictionary<string, string> { [Payload] = Payload });
        root.AttributesJson = StoreJson.Serialize(new Dictionary<string, string> { ["attr " + Payload] = Payload });
        root.LinksJson = StoreJson.Serialize(new[]
        {
            new SpanLinkRecord { TraceId = TraceStore.TraceId(67), SpanId = TraceStore.SpanId(9) },
        });

        var llm = TraceStore.Span(projectId, trace.TraceId, 2, root.SpanId, 10);
        llm.Name = "chat " + Payload;
        llm.Type = SpanType.Generation;
        llm.Model = "gpt " + Payload;
        llm.Provider = "provider " + Payload;
        llm.ParametersJson = StoreJson.Serialize(new Dictionary<string, string> { ["temperature"] = Payload });
        llm.InputMessagesJson = StoreJson.Serialize(new[]
        {
            new ChatMessage { Role = "system", Content = Payload },
            new ChatMessage { Role = "user", Name = Payload, Content = Payload },
        });
        llm.OutputMessagesJson = StoreJson.Serialize(new[]
        {
            new ChatMessage
            {
                Role = "assistant",
                Content = Payload,
                ToolCalls = [new ToolCall { Id = "call-1", Name = "lookup " + Payload, Arguments = Payload }],
            },
        });
        llm.DocumentsJson = StoreJson.Serialize(new[]
        {
            new RetrievedDocument { Id = "doc " + Payload, Content = Payload, Score = 0.5 },
        });

        var tool = TraceStore.Span(projectId, trace.TraceId, 3, root.SpanId, 20);
        tool.Name = "tool " + Payload;
        tool.Type = SpanType.Tool;
        tool.Status = SpanStatus.Error;
        tool.StatusMessage = Payload;
        tool.ErrorType = "Error " + Payload;
        tool.ToolJson = StoreJson.Serialize(new ToolInvocation
        {
            Name = "lookup " + Payload,
            Description = Payload,
            Arguments = Payload,
            Result = Payload,
        });
        tool.EventsJson = $$$"""
            [{"name":"exception","timeUnixNano":1,"attributes":{"exception.type":"Boom",
              "exception.message":{{{StoreJson.Serialize(Payload)}}},
              "exception.stacktrace":{{{StoreJson.Serialize(Payload)}}}}}]
            """;

        var score = new Score
        {
            ProjectId = projectId,
            TraceId = trace.TraceId,
            Name = "score " + Payload,
            Value = 0.2,
            Label = Payload,
            Explanation = Payload,
            Source = ScoreSource.Judge,
            CreatedAt = TraceStore.BaseTime,
        };
        var feedback = new FeedbackEntry
        {
            ProjectId = projectId,
            TraceId = trace.TraceId,
            Kind = "comment " + Payload,
            Comment = Payload,
            UserId = HostileUser,
            CreatedAt = TraceStore.BaseTime,
        };
        await store.AddAsync([trace], [root, llm, tool], [score], [feedback]);
        return trace.TraceId;
    }
}
