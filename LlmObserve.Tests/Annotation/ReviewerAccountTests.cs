using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// A signed-in reviewer is their account, on the API with a cookie and on the review page: naming another reviewer
/// in the body neither takes, labels nor skips that reviewer's item, and the page shows the signed-in e-mail.
/// </summary>
public sealed class ReviewerAccountTests : IAsyncLifetime
{
    private const string Ann = "ann@test.example";
    private const string Bob = "bob@test.example";

    private RunningApp _app = null!;
    private HttpClient _key = null!;
    private string _annId = string.Empty;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _key = _app.CreateClient();
        var traces = Enumerable.Range(1, 3).Select(n => new
        {
            name = "support",
            input = $"Question {n}?",
            output = $"Answer {n}.",
            startTime = DateTimeOffset.UtcNow.AddMinutes(-10 + n),
        });
        using var ingest = await _key.PostAsJsonAsync("api/ingest", new { traces });
        Assert.True(ingest.IsSuccessStatusCode, $"Ingesting the traces failed ({ingest.StatusCode}).");
        _annId = await TestPeople.AddAsync(_app, Ann, ProjectRole.Reviewer);
        await TestPeople.AddAsync(_app, Bob, ProjectRole.Reviewer);
    }

    public async Task DisposeAsync()
    {
        _key.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task CookieApi_ReviewerNamingAnotherInTheBody_CannotTakeLabelOrSkipTheirItem()
    {
        var queue = await CreateQueueAsync();
        using var ann = await _app.CreateSignedInClientAsync(Ann, TestPeople.Password);
        using var bob = await _app.CreateSignedInClientAsync(Bob, TestPeople.Password);
        var annsItem = await NextAsync(ann, queue, reviewer: Ann);

        // Both send Ann's name: with typed names that made them one reviewer, and Bob would get Ann's item.
        var bobsItem = await NextAsync(bob, queue, reviewer: Ann);
        using var label = await bob.PostAsJsonAsync(
            $"api/annotation-queues/{queue}/items/{annsItem}/labels",
            new { reviewer = Ann, values = new { correct = false } });
        using var skip = await bob.PostAsJsonAsync(
            $"api/annotation-queues/{queue}/items/{annsItem}/skip",
            new { reviewer = Ann });
        using var annLabel = await ann.PostAsJsonAsync(
            $"api/annotation-queues/{queue}/items/{annsItem}/labels",
            new { reviewer = Bob, values = new { correct = true } });

        Assert.NotEqual(annsItem, bobsItem);
        Assert.Equal(HttpStatusCode.Conflict, label.StatusCode);
        Assert.Contains("not assigned to you", await label.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, skip.StatusCode);
        Assert.Equal(HttpStatusCode.OK, annLabel.StatusCode);
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var labels = await db.Scores.Where(s => s.AnnotationItemId == annsItem)
            .Select(s => new { s.Reviewer, s.Label })
            .ToListAsync();
        var only = Assert.Single(labels);
        Assert.Equal(("user:" + _annId, "true"), (only.Reviewer, only.Label));
        var lease = await db.AnnotationLeases.SingleAsync(l => l.ItemId == annsItem);
        Assert.Equal(
            ("user:" + _annId, Ann, AnnotationLeaseStates.Done),
            (lease.Reviewer, lease.ReviewerName, lease.State));
    }

    [Fact]
    public async Task ReviewPage_SignedInReviewer_ShowsTheirEmailAndNeverTheItemAnotherHolds()
    {
        var queue = await CreateQueueAsync();
        using var ann = await _app.CreateSignedInClientAsync(Ann, TestPeople.Password);
        var annsItem = await NextAsync(ann, queue, reviewer: Bob);
        await using var browser = await BrowserSession.StartAsync(_app, signIn: false);
        var page = browser.Page;
        await browser.SignInAsync(page, Bob, TestPeople.Password);

        await page.GotoAsync($"{_app.BaseAddress}annotation/{queue}");

        await Assertions.Expect(page.GetByTestId("review-reviewer")).ToHaveTextAsync(Bob);
        await Assertions.Expect(page.GetByTestId("review-item")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("input[data-testid=reviewer-name]")).ToHaveCountAsync(0);
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var annsTrace = await db.AnnotationItems.Where(i => i.Id == annsItem).Select(i => i.TraceId).SingleAsync();
        Assert.NotEqual(annsTrace, await page.GetByTestId("review-item").GetAttributeAsync("data-trace-id"));
    }

    private static async Task<long> NextAsync(HttpClient client, string queue, string reviewer)
    {
        using var response = await client.PostAsJsonAsync($"api/annotation-queues/{queue}/next", new { reviewer });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemId").GetInt64();
    }

    private async Task<string> CreateQueueAsync()
    {
        using var response = await _key.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "support answers",
            filter = "name=support",
            reviewsPerItem = 1,
            leaseSeconds = 300,
            scoreConfigs = new[] { new { name = "correct", kind = "boolean" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
