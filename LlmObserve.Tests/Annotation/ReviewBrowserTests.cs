using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// The review page in Chromium: a reviewer labels three items with the keyboard only, goes back to the last, and two
/// reviewers in two browser contexts are never shown the same single-review item.
/// </summary>
public sealed class ReviewBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private string[] _traceIds = [];

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
        var traces = Enumerable.Range(1, 3).Select(n => new
        {
            name = "support",
            input = $"Question number {n}?",
            output = $"Answer number {n}.",
            startTime = DateTimeOffset.UtcNow.AddMinutes(-10 + n),
        });
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        _traceIds = [.. body.GetProperty("traceIds").EnumerateArray().Select(t => t.GetString()!)];
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Review_ThreeItemsWithTheKeyboardOnly_StoresTheLabelsAsHumanScores()
    {
        var queue = await CreateQueueAsync();
        await using var browser = await BrowserSession.StartAsync(_app);
        var page = browser.Page;
        await SetReviewerAsync(page, "Ann");

        await page.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var item = page.GetByTestId("review-item");
            await Assertions.Expect(item).ToBeVisibleAsync();
            seen.Add((await item.GetAttributeAsync("data-trace-id"))!);
            await Assertions.Expect(page.GetByTestId("review-verdicts")).ToBeHiddenAsync();
            await page.Keyboard.PressAsync("1");
            await page.Keyboard.PressAsync("3");
            await Assertions.Expect(page.Locator("[data-chosen=true]")).ToHaveCountAsync(2);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("review-verdicts")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("review-verdicts")).ToBeHiddenAsync();
        }

        await Assertions.Expect(page.GetByTestId("review-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("review-progress")).ToContainTextAsync("You labelled 3");
        await page.Keyboard.PressAsync("b");
        await Assertions.Expect(page.GetByTestId("review-item")).ToHaveAttributeAsync("data-trace-id", seen[2]);
        await Assertions.Expect(page.Locator("[data-chosen=true]")).ToHaveTextAsync(["Yes (1)", "rude (3)"]);

        Assert.Equal(_traceIds.Order(), seen.Order());
        foreach (var traceId in _traceIds)
        {
            var trace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{traceId}");
            var labels = trace.GetProperty("scores").EnumerateArray()
                .Select(s => (s.GetProperty("name").GetString(), s.GetProperty("label").GetString(),
                    s.GetProperty("source").GetString()))
                .Order();
            Assert.Equal([("correct", "true", "human"), ("tone", "rude", "human")], labels);
        }
    }

    [Fact]
    public async Task Review_TwoReviewersInTwoContexts_NeverSeeTheSameSingleReviewItem()
    {
        var queue = await CreateQueueAsync();
        await using var browser = await BrowserSession.StartAsync(_app);
        var ann = browser.Page;
        var bob = await browser.NewContextPageAsync();
        await SetReviewerAsync(ann, "Ann");
        await SetReviewerAsync(bob, "Bob");

        await ann.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        await Assertions.Expect(ann.GetByTestId("review-item")).ToBeVisibleAsync();
        await bob.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        await Assertions.Expect(bob.GetByTestId("review-item")).ToBeVisibleAsync();
        var bobs = await bob.GetByTestId("review-item").GetAttributeAsync("data-trace-id");
        var anns = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            anns.Add((await ann.GetByTestId("review-item").GetAttributeAsync("data-trace-id"))!);
            await ann.Keyboard.PressAsync("1");
            await ann.Keyboard.PressAsync("1");
            await ann.Keyboard.PressAsync("Enter");
            await Assertions.Expect(ann.GetByTestId("review-verdicts")).ToBeVisibleAsync();
            await ann.Keyboard.PressAsync("Enter");
            await Assertions.Expect(ann.GetByTestId("review-verdicts")).ToBeHiddenAsync();
        }

        await Assertions.Expect(ann.GetByTestId("review-done")).ToBeVisibleAsync();
        Assert.DoesNotContain(bobs, anns);
        Assert.Equal(2, anns.Distinct().Count());
    }

    [Fact]
    public async Task QueueForm_FromTheTraceListFilter_CreatesAQueueAndAsksTheReviewersNameOnce()
    {
        await using var browser = await BrowserSession.StartAsync(_app);
        var page = browser.Page;

        await page.GotoAsync($"{_app.BaseAddress}annotation?filter={Uri.EscapeDataString("name=support")}");
        await Assertions.Expect(page.Locator("input[data-testid=queue-filter]"))
            .ToHaveValueAsync("name=support");
        await Assertions.Expect(page.GetByTestId("queue-form")).ToHaveAttributeAsync("data-interactive", "true");
        await page.Locator("input[data-testid=queue-name]").FillAsync("from the list");
        await page.GetByTestId("queue-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reviewer-form")).ToBeVisibleAsync();
        await page.Locator("input[data-testid=reviewer-name]").FillAsync("Dana");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("review-item")).ToBeVisibleAsync();
        await page.ReloadAsync();

        await Assertions.Expect(page.GetByTestId("review-reviewer")).ToHaveTextAsync("Dana");
        await Assertions.Expect(page.GetByTestId("review-item")).ToBeVisibleAsync();
        var queues = await _client.GetFromJsonAsync<JsonElement>("api/annotation-queues");
        var queue = Assert.Single(queues.EnumerateArray());
        Assert.Equal(("from the list", "name=support", 3), (
            queue.GetProperty("name").GetString(),
            queue.GetProperty("filter").GetString(),
            queue.GetProperty("items").GetInt32()));
    }

    private async Task SetReviewerAsync(IPage page, string name)
        => await page.Context.AddCookiesAsync(
        [
            new Microsoft.Playwright.Cookie
            {
                Name = "llmobserve_reviewer",
                Value = name,
                Url = _app.BaseAddress.ToString(),
            },
        ]);

    private async Task<string> CreateQueueAsync()
    {
        using var response = await _client.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "support answers",
            filter = "name=support",
            scoreConfigs = new object[]
            {
                new { name = "correct", kind = "boolean" },
                new { name = "tone", kind = "categorical", labels = new[] { "friendly", "neutral", "rude" } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
