using System.Diagnostics;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// The main job end to end: an application instrumented with the OpenTelemetry .NET SDK sends a RAG trace, and a
/// person sees it in Chromium: in the list, live, and in detail with its span tree, conversation and documents.
/// </summary>
public sealed class TraceBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SdkTrace_ArrivesWhileTheListIsOpen_AndItsDetailShowsTreeConversationAndDocumentsAsInertText()
    {
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "traces").ToString());
        await page.GetByTestId("trace-list-empty").WaitForAsync();

        // The zone label changes only once the interactive circuit runs, and with it the live subscription.
        await Assertions.Expect(page.GetByTestId("time-zone-label")).ToContainTextAsync("Berlin");
        await page.EvaluateAsync("window.__injected = 0");

        using var otel = new DotNetOtelClient(
            _app.BaseAddress, RunningApp.SecretKey, [new("service.name", "browser-bot")]);
        var traceId = SendRagTrace(otel);
        Assert.True(otel.Flush());

        var row = page.Locator($"[data-testid=trace-row][data-trace-id='{traceId}']");
        var newBar = page.GetByTestId("show-new-traces");
        await Assertions.Expect(row.Or(newBar).First).ToBeVisibleAsync();
        if (await newBar.IsVisibleAsync())
        {
            await newBar.ClickAsync();
        }

        await Assertions.Expect(row).ToContainTextAsync("What is the refund window?");

        await row.ClickAsync();
        await page.GetByTestId("trace-detail-page").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("span-row")).ToHaveCountAsync(3);
        await page.Locator("[data-testid=span-row]", new() { HasText = "chat gpt-4o" }).ClickAsync();
        var messages = page.GetByTestId("chat-message");
        await Assertions.Expect(messages.Nth(0)).ToContainTextAsync("What is the refund window?");
        await Assertions.Expect(page.GetByTestId("span-details")).ToContainTextAsync("<img src=x onerror=");
        await page.Locator("[data-testid=span-row]", new() { HasText = "retrieve" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-id").First).ToContainTextAsync("policy-7");

        Assert.Equal(0, await page.EvaluateAsync<int>("window.__injected"));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
    }

    private static string SendRagTrace(DotNetOtelClient otel)
    {
        const string hostile = "<img src=x onerror=\"window.__injected=1\"><script>window.__injected=2</script>";
        using var root = otel.Start("answer", tags: [new("openinference.span.kind", "CHAIN"),
            new("input.value", "What is the refund window?"), new("output.value", "30 days. " + hostile)]);
        using (otel.Start("retrieve", root.Context, tags: [new("openinference.span.kind", "RETRIEVER"),
            new("retrieval.documents.0.document.id", "policy-7"),
            new("retrieval.documents.0.document.content", "Refunds are accepted for 30 days."),
            new("retrieval.documents.0.document.score", 0.88)]))
        {
        }

        using (otel.Start("chat gpt-4o", root.Context, ActivityKind.Client, [new("gen_ai.operation.name", "chat"),
            new("gen_ai.request.model", "gpt-4o"),
            new("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"What is the refund window?"}]}]"""),
            new("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
                + System.Text.Json.JsonSerializer.Serialize("30 days. " + hostile) + "}]}]")]))
        {
        }

        return root.TraceId.ToHexString();
    }
}
