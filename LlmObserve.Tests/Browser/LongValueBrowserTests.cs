using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Captured values can be one long token without a space (a base64 blob, a minified payload, a generated id). Such a
/// value must wrap or be cut inside its own cell or panel: the page itself never grows wider than the window.
/// </summary>
public sealed class LongValueBrowserTests : IAsyncLifetime
{
    // Ids go into paths and links, so they stay within what a router keeps; 2,000 characters is well past any width.
    private static readonly string Token = string.Concat(Enumerable.Repeat("Wm9vQmFy", 250));

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
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task LongUnbrokenValues_InEveryShownField_NeverWidenTheListTraceSessionOrUserPage()
    {
        var traceId = await AddLongValueTraceAsync();
        var page = _browser.Page;

        await OpenAsync(page, "traces");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        await AssertFitsAsync(page, "list");

        await OpenAsync(page, "traces/" + traceId);
        await Assertions.Expect(page.GetByTestId("span-row")).ToHaveCountAsync(3);
        await AssertFitsAsync(page, "trace");
        foreach (var span in await page.GetByTestId("span-row").AllAsync())
        {
            await span.ClickAsync();
            await Assertions.Expect(span).ToHaveAttributeAsync("aria-selected", "true");
            await page.GetByTestId("span-raw-toggle").ClickAsync();
            await page.GetByTestId("span-raw-json").WaitForAsync();
            await AssertFitsAsync(page, "trace, span " + await span.GetAttributeAsync("data-span-id"));
        }

        await page.GetByTestId("trace-session").ClickAsync();
        await page.GetByTestId("session-page").WaitForAsync();
        await AssertFitsAsync(page, "session");

        await page.GetByTestId("session-user").ClickAsync();
        await page.GetByTestId("user-page").WaitForAsync();
        await AssertFitsAsync(page, "user");
    }

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());

        // The time zone label changes once the circuit runs, so the live page, not only the prerender, is measured.
        await Assertions.Expect(page.GetByText("Europe/Berlin").First).ToBeVisibleAsync();
    }

    private static async Task AssertFitsAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>(
            "() => [document.documentElement.scrollWidth, window.innerWidth]");

        // The innermost elements that reach past the window name the culprit when this fails.
        var overflowing = await page.EvaluateAsync<string[]>("""
            () => [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                    + (e.dataset.testid ? '[' + e.dataset.testid + ']' : ''))
            """);
        // A table scrolling sideways inside its own box hides the other columns just the same.
        var scrollingTables = await page.EvaluateAsync<int>("""
            () => [...document.querySelectorAll('.mud-table-container')]
                .filter(e => e.scrollWidth > e.clientWidth + 1).length
            """);
        Assert.True(
            widths[0] <= widths[1],
            $"The {where} page is {widths[0]} px wide in a {widths[1]} px window: a long value widened it "
            + $"({string.Join(", ", overflowing)}).");
        Assert.True(scrollingTables == 0, $"{scrollingTables} table(s) on the {where} page scroll sideways.");
    }

    private async Task<string> AddLongValueTraceAsync()
    {
        var trace = TraceStore.Trace(_projectId, 88, 0);
        trace.Name = "agent" + Token;
        trace.SessionId = "session" + Token;
        trace.UserId = "user" + Token;
        trace.Environment = "env" + Token;
        trace.Release = "rel" + Token;
        trace.Models = "model" + Token;
        trace.TagsJson = StoreJson.Serialize(new[] { "tag" + Token });
        trace.MetadataJson = StoreJson.Serialize(new Dictionary<string, string> { ["note"] = Token });
        trace.InputText = "question" + Token;
        trace.OutputText = "answer" + Token;
        trace.SpanCount = 3;

        var root = TraceStore.Span(_projectId, trace.TraceId, 1, null, 0);
        root.Name = "root" + Token;
        root.Type = SpanType.Agent;
        root.InputText = Token;
        root.OutputText = Token;
        root.StatusMessage = Token;
        root.MetadataJson = StoreJson.Serialize(new Dictionary<string, string> { ["key" + Token] = Token });
        root.AttributesJson = StoreJson.Serialize(new Dictionary<string, string> { ["attr" + Token] = Token });
        root.ResourceAttributesJson = StoreJson.Serialize(new Dictionary<string, string> { ["service.name"] = Token });
        root.LinksJson = StoreJson.Serialize(new[]
        {
            new SpanLinkRecord { TraceId = TraceStore.TraceId(89), SpanId = TraceStore.SpanId(9) },
        });

        var llm = TraceStore.Span(_projectId, trace.TraceId, 2, root.SpanId, 10);
        llm.Name = "chat" + Token;
        llm.Type = SpanType.Generation;
        llm.Model = "gpt" + Token;
        llm.Provider = "provider" + Token;
        llm.ParametersJson = StoreJson.Serialize(new Dictionary<string, string> { ["stop"] = Token });
        llm.InputMessagesJson = StoreJson.Serialize(new[]
        {
            new ChatMessage { Role = "system", Content = Token },
            new ChatMessage { Role = "user", Name = "name" + Token, Content = Token },
        });
        llm.OutputMessagesJson = StoreJson.Serialize(new[]
        {
            new ChatMessage
            {
                Role = "assistant",
                Content = Token,
                ToolCalls = [new ToolCall { Id = "call" + Token, Name = "lookup" + Token, Arguments = Token }],
            },
        });
        llm.DocumentsJson = StoreJson.Serialize(new[]
        {
            new RetrievedDocument { Id = "doc" + Token, Content = Token, Score = 0.5 },
        });

        var tool = TraceStore.Span(_projectId, trace.TraceId, 3, root.SpanId, 20);
        tool.Name = "tool" + Token;
        tool.Type = SpanType.Tool;
        tool.Status = SpanStatus.Error;
        tool.ErrorType = "Error" + Token;
        tool.ToolJson = StoreJson.Serialize(new ToolInvocation
        {
            Name = "lookup" + Token,
            CallId = "call" + Token,
            Description = Token,
            Arguments = Token,
            Result = Token,
        });
        tool.EventsJson = $$$"""
            [{"name":"exception","timeUnixNano":1,"attributes":{"exception.type":"{{{Token}}}",
              "exception.message":"{{{Token}}}","exception.stacktrace":"{{{Token}}}"}},
             {"name":"retry{{{Token}}}","timeUnixNano":2,"attributes":{"reason":"{{{Token}}}"}}]
            """;

        var score = new Score
        {
            ProjectId = _projectId,
            TraceId = trace.TraceId,
            SpanId = root.SpanId,
            Name = "score" + Token,
            Value = 0.2,
            Label = Token,
            Explanation = Token,
            Source = ScoreSource.Judge,
            CreatedAt = TraceStore.BaseTime,
        };
        var feedback = new FeedbackEntry
        {
            ProjectId = _projectId,
            TraceId = trace.TraceId,
            Kind = "comment" + Token,
            Comment = Token,
            UserId = "user" + Token,
            CreatedAt = TraceStore.BaseTime,
        };
        await _store.AddAsync([trace], [root, llm, tool], [score], [feedback]);
        return trace.TraceId;
    }
}
