using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// Annotation queues over HTTP on the real app: creation from a trace filter, leases that keep two reviewers off the
/// same single-review item, a late label refused once someone else took the item, several reviews per item, labels
/// stored as human scores, and the evaluator's verdict withheld until the reviewer labelled.
/// </summary>
public sealed class AnnotationApiTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private string[] _traceIds = [];

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
        var traces = Enumerable.Range(1, 4).Select(n => new
        {
            name = n == 4 ? "other" : "support",
            input = $"Question {n}?",
            output = $"Answer {n}.",
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
    public async Task Create_BadConfigurationsAndAnEmptyFilter_AreProblemsNamingTheField()
    {
        using var badLabels = await CreateAsync(new
        {
            name = "q",
            filter = "name=support",
            scoreConfigs = new object[]
            {
                new { name = "correct", kind = "boolean" },
                new { name = "tone", kind = "categorical", labels = new[] { "only one" } },
                new { name = "quality", kind = "numeric", min = 5, max = 1 },
            },
        });
        using var empty = await CreateAsync(new
        {
            name = "q",
            filter = "/traces?name=nothing-like-this",
            scoreConfigs = new[] { new { name = "correct", kind = "boolean" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, badLabels.StatusCode);
        var errors = (await badLabels.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["scoreConfigs[1].labels", "scoreConfigs[2].max"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var emptyErrors = (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            "No trace matches the filter: the queue would be empty.",
            emptyErrors.GetProperty("filter")[0].GetString());
    }

    [Fact]
    public async Task Next_TwoReviewersOfASingleReviewQueue_NeverHoldTheSameItem()
    {
        var queue = await CreateQueueAsync(reviews: 1, leaseSeconds: 300);

        var ann1 = await NextAsync(queue, "Ann");
        var bob1 = await NextAsync(queue, "Bob");
        var annAgain = await NextAsync(queue, "Ann");
        await LabelAsync(queue, ann1, "Ann", true);
        var ann2 = await NextAsync(queue, "Ann");
        await LabelAsync(queue, bob1, "Bob", false);
        await LabelAsync(queue, ann2, "Ann", true);
        var annDone = await NextAsync(queue, "Ann");
        var bobDone = await NextAsync(queue, "Bob");

        Assert.NotEqual(ann1!.Value.ItemId, bob1!.Value.ItemId);
        Assert.Equal(ann1.Value.ItemId, annAgain!.Value.ItemId);
        Assert.NotEqual(bob1.Value.ItemId, ann2!.Value.ItemId);
        Assert.Null(annDone);
        Assert.Null(bobDone);
        var view = await _client.GetFromJsonAsync<JsonElement>($"api/annotation-queues/{queue}");
        Assert.Equal(3, view.GetProperty("items").GetInt32());
        Assert.Equal(3, view.GetProperty("completedItems").GetInt32());
    }

    [Fact]
    public async Task Label_AfterTheLeaseRanOutAndAnotherReviewerTookTheItem_IsRefusedAndTheirLabelKept()
    {
        var queue = await CreateQueueAsync(reviews: 1, leaseSeconds: 1);
        var ann = await NextAsync(queue, "Ann");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var bob = await NextAsync(queue, "Bob");

        using var late = await PostLabelAsync(queue, ann!.Value.ItemId, "Ann", true);
        await LabelAsync(queue, bob!, "Bob", false);

        Assert.Equal(ann.Value.ItemId, bob!.Value.ItemId);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var problem = await late.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches(
            "^Your hold on this item ran out at .* UTC and Bob took it since; your labels were not saved\\.",
            problem.GetProperty("detail").GetString());
        var trace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{ann.Value.TraceId}");
        var score = Assert.Single(trace.GetProperty("scores").EnumerateArray());
        Assert.Equal(("correct", "false", "human"), (
            score.GetProperty("name").GetString(),
            score.GetProperty("label").GetString(),
            score.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Next_AnItemNeedingTwoReviews_GoesToBothAndTheVerdictShowsOnlyAfterLabelling()
    {
        var queue = await CreateQueueAsync(reviews: 2, leaseSeconds: 300);
        var ann = await NextAsync(queue, "Ann");
        await AddOfflineScoreAsync(ann!.Value.TraceId);
        var bob = await NextAsync(queue, "Bob");
        var carol = await NextAsync(queue, "Carol");

        var before = await _client.PostAsJsonAsync($"api/annotation-queues/{queue}/next", new { reviewer = "Ann" });
        var hidden = await before.Content.ReadFromJsonAsync<JsonElement>();
        using var labelled = await PostLabelAsync(queue, ann.Value.ItemId, "Ann", true);
        var shown = await labelled.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(ann.Value.ItemId, bob!.Value.ItemId);
        Assert.NotEqual(ann.Value.ItemId, carol!.Value.ItemId);
        Assert.Empty(hidden.GetProperty("verdicts").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
        var verdict = Assert.Single(shown.GetProperty("verdicts").EnumerateArray());
        Assert.Equal("hallucinated", verdict.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Agreement_TwoReviewersOnTheSameItems_IsCohensKappaAndKrippendorffsAlphaOfTheirLabels()
    {
        var queue = await CreateQueueAsync(reviews: 2, leaseSeconds: 300);
        bool[] annSays = [true, true, false];
        bool[] bobSays = [true, false, false];
        foreach (var (reviewer, says) in new[] { ("Ann", annSays), ("Bob", bobSays) })
        {
            while (await NextItemAsync(queue, reviewer) is { } item)
            {
                using var labelled = await PostLabelAsync(queue, item.ItemId, reviewer, says[item.Position]);
                Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
            }
        }

        var agreement = await _client.GetFromJsonAsync<JsonElement>($"api/annotation-queues/{queue}/agreement");

        var correct = Assert.Single(agreement.EnumerateArray());
        Assert.Equal(2, correct.GetProperty("reviewers").GetInt32());
        Assert.Equal(3, correct.GetProperty("pairedItems").GetInt32());

        // p_o = 2/3, p_e = 2/3 · 1/3 + 1/3 · 2/3 = 4/9: kappa = (2/9) / (5/9); alpha = 1 − (2/6) / (18/30).
        Assert.Equal(0.4, correct.GetProperty("cohenKappa").GetDouble(), 12);
        Assert.Equal(1 - ((2.0 / 6) / (18.0 / 30)), correct.GetProperty("krippendorffAlpha").GetDouble(), 12);
        Assert.Equal(2.0 / 3, correct.GetProperty("percentAgreement").GetDouble(), 12);
    }

    private async Task<(long ItemId, int Position)?> NextItemAsync(string queue, string reviewer)
    {
        using var response = await _client.PostAsJsonAsync($"api/annotation-queues/{queue}/next", new { reviewer });
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (item.GetProperty("itemId").GetInt64(), item.GetProperty("position").GetInt32());
    }

    private async Task AddOfflineScoreAsync(string traceId)
    {
        var factory = _app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var projectId = await db.Projects.Select(p => p.Id).FirstAsync();
        db.Scores.Add(new Score
        {
            ProjectId = projectId,
            TraceId = traceId,
            Name = "groundedness",
            Value = 0.2,
            Label = "hallucinated",
            Source = ScoreSource.Offline,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    private async Task<string> CreateQueueAsync(int reviews, int leaseSeconds)
    {
        using var response = await CreateAsync(new
        {
            name = "support answers",
            filter = "/traces?name=support",
            reviewsPerItem = reviews,
            leaseSeconds,
            scoreConfigs = new[] { new { name = "correct", kind = "boolean" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> CreateAsync(object body)
        => _client.PostAsJsonAsync("api/annotation-queues", body);

    private async Task<(long ItemId, string TraceId)?> NextAsync(string queue, string reviewer)
    {
        using var response = await _client.PostAsJsonAsync($"api/annotation-queues/{queue}/next", new { reviewer });
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        var traceId = item.GetProperty("traceId").GetString()!;
        Assert.Contains(traceId, _traceIds[..3]);
        return (item.GetProperty("itemId").GetInt64(), traceId);
    }

    private async Task LabelAsync(string queue, (long ItemId, string TraceId)? item, string reviewer, bool correct)
    {
        using var response = await PostLabelAsync(queue, item!.Value.ItemId, reviewer, correct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostLabelAsync(string queue, long itemId, string reviewer, bool correct)
        => _client.PostAsJsonAsync(
            $"api/annotation-queues/{queue}/items/{itemId}/labels",
            new { reviewer, values = new { correct } });
}
