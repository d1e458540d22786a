using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// The review page in Chromium: a reviewer labels three items with the keyboard only, goes back to the last, and two
/// reviewers signed in to their own accounts in two browser contexts are never shown the same single-review item.
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

        await page.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        await Assertions.Expect(page.GetByTestId("review-reviewer")).ToHaveTextAsync(RunningApp.AdminEmail);
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
        await TestPeople.AddAsync(_app, "ann@test.example", ProjectRole.Reviewer);
        await TestPeople.AddAsync(_app, "bob@test.example", ProjectRole.Reviewer);
        await using var browser = await BrowserSession.StartAsync(_app, signIn: false);
        var ann = browser.Page;
        await browser.SignInAsync(ann, "ann@test.example", TestPeople.Password);
        var bob = await browser.NewContextPageAsync("bob@test.example", TestPeople.Password);

        await ann.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        await Assertions.Expect(ann.GetByTestId("review-item")).ToBeVisibleAsync();
        await Assertions.Expect(ann.GetByTestId("review-reviewer")).ToHaveTextAsync("ann@test.example");
        await bob.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        await Assertions.Expect(bob.GetByTestId("review-item")).ToBeVisibleAsync();
        await Assertions.Expect(bob.GetByTestId("review-reviewer")).ToHaveTextAsync("bob@test.example");
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
    public async Task QueueForm_FromTheTraceListFilter_CreatesAQueueReviewedAsTheSignedInAccount()
    {
        await using var browser = await BrowserSession.StartAsync(_app);
        var page = browser.Page;

        await page.GotoAsync($"{_app.BaseAddress}annotation?filter={Uri.EscapeDataString("name=support")}");
        await Assertions.Expect(page.Locator("input[data-testid=queue-filter]"))
            .ToHaveValueAsync("name=support");
        await Assertions.Expect(page.GetByTestId("queue-form")).ToHaveAttributeAsync("data-interactive", "true");
        await page.Locator("input[data-testid=queue-name]").FillAsync("from the list");
        await page.GetByTestId("queue-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("review-item")).ToBeVisibleAsync();
        await page.ReloadAsync();

        await Assertions.Expect(page.GetByTestId("review-reviewer")).ToHaveTextAsync(RunningApp.AdminEmail);
        await Assertions.Expect(page.GetByTestId("review-item")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("input[data-testid=reviewer-name]")).ToHaveCountAsync(0);
        var queues = await _client.GetFromJsonAsync<JsonElement>("api/annotation-queues");
        var queue = Assert.Single(queues.EnumerateArray());
        Assert.Equal(("from the list", "name=support", 3), (
            queue.GetProperty("name").GetString(),
            queue.GetProperty("filter").GetString(),
            queue.GetProperty("items").GetInt32()));
    }

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
