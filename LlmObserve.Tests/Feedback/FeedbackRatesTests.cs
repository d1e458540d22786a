using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Feedback;

/// <summary>
/// Feedback rates on the real app: the negative share of thumbs and ratings and the implicit signals per request, in
/// <c>GET /api/metrics/overview</c> and on the Overview and Quality pages in Chromium.
/// </summary>
public sealed class FeedbackRatesTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
        var traces = Enumerable.Range(0, 4).Select(n => new
        {
            name = "support",
            input = $"Question {n}?",
            output = $"Answer {n}.",
            startTime = DateTimeOffset.UtcNow.AddMinutes(-20 + n),
        });
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var ids = body.GetProperty("traceIds").EnumerateArray().Select(t => t.GetString()!).ToArray();

        // Explicit: down, up, a rating of 2 (negative), a rating of 5, a comment (no direction): 2 of 4 negative.
        // Implicit: two retries, a copy. And one thumbs down from two days ago, outside a 24-hour range.
        object[] feedback =
        [
            new { traceId = ids[0], kind = "thumbs", value = -1 },
            new { traceId = ids[1], kind = "thumbs", value = 1 },
            new { traceId = ids[2], kind = "rating", value = 2 },
            new { traceId = ids[3], kind = "rating", value = 5 },
            new { traceId = ids[3], kind = "comment", comment = "slow" },
            new { traceId = ids[0], kind = "retry" },
            new { traceId = ids[2], kind = "retry" },
            new { traceId = ids[1], kind = "copy" },
            new { traceId = ids[1], kind = "thumbs", value = -1, time = DateTimeOffset.UtcNow.AddDays(-2) },
        ];
        foreach (var item in feedback)
        {
            using var sent = await _client.PostAsJsonAsync("api/feedback", item);
            Assert.True(sent.IsSuccessStatusCode, $"{item}: {sent.StatusCode}");
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Overview_Last24Hours_GivesTheNegativeShareAndSignalsPerRequest()
    {
        JsonElement overview = default;
        await Poll.UntilAsync(
            async () =>
            {
                overview = await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?range=24h");
                return overview.GetProperty("timeline").GetProperty("total").GetProperty("total")
                    .GetProperty("requests").GetInt64() == 4;
            },
            "the four traces in the overview");

        var feedback = overview.GetProperty("feedback");
        Assert.Equal(4, feedback.GetProperty("explicit").GetInt64());
        Assert.Equal(2, feedback.GetProperty("negative").GetInt64());
        Assert.Equal(0.5, feedback.GetProperty("negativeShare").GetDouble());
        Assert.Equal(1, feedback.GetProperty("comments").GetInt64());
        Assert.Equal(3, feedback.GetProperty("implicitTotal").GetInt64());
        var signals = feedback.GetProperty("implicit").EnumerateArray()
            .ToDictionary(s => s.GetProperty("kind").GetString()!, s => s);
        Assert.Equal(
            ["retry", "rephrase", "escalate", "abandon", "copy"],
            feedback.GetProperty("implicit").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(2, signals["retry"].GetProperty("count").GetInt64());
        Assert.Equal(0.5, signals["retry"].GetProperty("perRequest").GetDouble());
        Assert.Equal(0.25, signals["copy"].GetProperty("perRequest").GetDouble());
        Assert.Equal(0, signals["abandon"].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Overview_Last7Days_CountsTheOlderThumbsDownToo()
    {
        var overview = await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?range=7d");

        var feedback = overview.GetProperty("feedback");
        Assert.Equal(
            (5, 3),
            (feedback.GetProperty("explicit").GetInt64(), feedback.GetProperty("negative").GetInt64()));
    }

    [Fact]
    public async Task OverviewAndQualityPages_ShowTheNegativeShareAndTheSignals()
    {
        await using var browser = await BrowserSession.StartAsync(_app);
        var page = browser.Page;

        await page.GotoAsync($"{_app.BaseAddress}overview?range=24h");
        var overview = page.GetByTestId("overview-feedback");
        await Assertions.Expect(overview.GetByTestId("feedback-negative-share")).ToHaveTextAsync("50.0 %");
        await Assertions.Expect(overview.GetByTestId("feedback-explicit")).ToContainTextAsync("2 of 4 thumbs");
        var retry = overview.Locator("[data-testid=feedback-signal][data-kind=retry]");
        await Assertions.Expect(retry.GetByTestId("feedback-signal-count")).ToHaveTextAsync("2");
        await Assertions.Expect(retry.GetByTestId("feedback-signal-rate")).ToHaveTextAsync("50 per 100 requests");

        await page.GotoAsync($"{_app.BaseAddress}quality?range=24h");
        var quality = page.GetByTestId("quality-feedback");
        await Assertions.Expect(quality.GetByTestId("feedback-negative-share")).ToHaveTextAsync("50.0 %");
        var copy = quality.Locator("[data-testid=feedback-signal][data-kind=copy]");
        await Assertions.Expect(copy.GetByTestId("feedback-signal-rate")).ToHaveTextAsync("25 per 100 requests");
    }
}
