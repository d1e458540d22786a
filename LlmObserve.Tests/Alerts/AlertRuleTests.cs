using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using LlmObserve.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// Rules evaluated by the real job (every second here) against real ingested traffic, notifying a webhook receiver
/// on 127.0.0.1.
/// </summary>
public sealed class AlertRuleTests : IAsyncLifetime
{
    private AlertTestApp _app = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertTestApp.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task LatencyRule_FiresOnceWithEnoughSamples_ResolvesOnRecovery_HoldsItsCooldown()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        var now = DateTimeOffset.UtcNow;
        await _app.IngestTracesAsync(2, 3000, now - TimeSpan.FromSeconds(5));
        var rule = await _app.CreateRuleAsync(new
        {
            name = "slow answers",
            metric = "latency_p95",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 1000,
            criticalThreshold = 600_000,
            minSamples = 3,
            cooldownMinutes = 60,
            channelIds = new[] { channel },
        });

        // Two slow requests are fewer than the rule's three samples: nothing fires.
        await _app.EvaluationsAsync(rule, 2);
        Assert.Empty(_receiver.Received);
        Assert.Equal("ok", (await _app.RuleAsync(rule)).GetProperty("state").GetString());

        await _app.IngestTracesAsync(3, 3000, now - TimeSpan.FromSeconds(4));
        await NoticesAsync(1, "the firing notice");
        var firing = _receiver.Received[0];
        Assert.Equal("slow answers", firing.GetProperty("rule").GetProperty("name").GetString());
        Assert.Equal("latency_p95", firing.GetProperty("rule").GetProperty("metric").GetString());
        Assert.Equal("warning", firing.GetProperty("level").GetString());
        Assert.Equal("firing", firing.GetProperty("status").GetString());
        Assert.InRange(firing.GetProperty("value").GetDouble(), 1000.0001, 600_000);
        Assert.Equal(1000, firing.GetProperty("threshold").GetDouble());
        Assert.Equal("above", firing.GetProperty("direction").GetString());
        Assert.Equal(5, firing.GetProperty("samples").GetInt64());
        Assert.Equal(5, firing.GetProperty("window").GetProperty("minutes").GetDouble());
        Assert.False(firing.GetProperty("test").GetBoolean());
        var link = firing.GetProperty("link").GetString()!;
        Assert.StartsWith("traces?from=", link, StringComparison.Ordinal);
        Assert.Contains("minLatencyMs=1000", link, StringComparison.Ordinal);

        // The link is the trace list of the window and condition: it lists the five slow traces.
        var listed = await _app.Client.GetFromJsonAsync<JsonElement>("api/" + link);
        Assert.Equal(5, listed.GetProperty("data").GetArrayLength());

        // Still slow: no second notice while the condition keeps holding.
        await _app.EvaluationsAsync(rule, 3);
        Assert.Single(_receiver.Received);

        // Traffic recovers: 200 fast requests bring p95 under the threshold, and a resolve notice goes out.
        await _app.IngestTracesAsync(200, 20, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        await NoticesAsync(2, "the resolve notice");
        var resolved = _receiver.Received[1];
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("warning", resolved.GetProperty("level").GetString());
        Assert.True(resolved.GetProperty("value").GetDouble() < 1000);

        // Slow again within the cooldown of an hour: the condition holds, the rule stays silent.
        await _app.IngestTracesAsync(600, 3000, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(4));
        await Poll.UntilAsync(
            async () => (await _app.RuleAsync(rule)).GetProperty("lastValue").GetDouble() > 1000,
            "the rule to read the slow traffic",
            AlertTestApp.Wait);
        await _app.EvaluationsAsync(rule, 2);
        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal("ok", (await _app.RuleAsync(rule)).GetProperty("state").GetString());

        // The cooldown is what held it: without one, the rule fires again.
        using var update = await _app.Client.PutAsJsonAsync($"api/alerts/rules/{rule}", new
        {
            name = "slow answers",
            metric = "latency_p95",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 1000,
            criticalThreshold = 600_000,
            minSamples = 3,
            cooldownMinutes = 0,
            channelIds = new[] { channel },
        });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        await NoticesAsync(3, "a new firing");
        Assert.Equal("firing", _receiver.Received[2].GetProperty("status").GetString());

        // The delivery is recorded once the receiver has answered, a moment after it has the notice.
        await Poll.UntilAsync(
            async () => (await _app.EventsAsync(rule)).All(
                e => e.GetProperty("deliveries")[0].GetProperty("status").GetString() == "sent"),
            "the deliveries to be recorded as sent",
            AlertTestApp.Wait);
        var events = await _app.EventsAsync(rule);
        Assert.Equal(
            ["firing", "resolved", "firing"],
            events.Reverse().Select(e => e.GetProperty("status").GetString()));
        Assert.All(events, e => Assert.Equal(1, e.GetProperty("deliveries")[0].GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task FailingReceiver_IsRetriedWithBackoff_AttemptsShowInHistory_AndTheUiHearsItLive()
    {
        var projectId = await new TraceStore(_app.App).ProjectIdAsync();
        var cookies = await _app.App.SignInCookiesAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.App.BaseAddress, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        var heard = new TaskCompletionSource<AlertChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<AlertChangedMessage>(nameof(ILiveClient.AlertChanged), m => heard.TrySetResult(m));
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(LiveHub.Follow), projectId);

        _receiver.AnswerNext(500, 503);
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        var rule = await _app.CreateRuleAsync(new
        {
            name = "any traffic",
            metric = "request_volume",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 0,
            minSamples = 1,
            channelIds = new[] { channel },
        });
        await _app.IngestTracesAsync(1, 50, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));

        var live = await heard.Task.WaitAsync(AlertTestApp.Wait);
        Assert.Equal("any traffic", live.RuleName);
        Assert.Equal("firing", live.Status);
        Assert.StartsWith("traces?from=", live.Link, StringComparison.Ordinal);

        // While the receiver fails, the history shows the error and when the next try is due.
        await Poll.UntilAsync(
            async () => (await _app.EventsAsync(rule)) is [var e] && e.GetProperty("deliveries")[0] is var d
                && d.GetProperty("status").GetString() == "pending"
                && d.GetProperty("lastError").GetString() is { } error
                && error.StartsWith("HTTP 5", StringComparison.Ordinal)
                && d.GetProperty("nextAttemptAt").ValueKind == JsonValueKind.String,
            "a failed attempt in the history",
            AlertTestApp.Wait);

        await Poll.UntilAsync(
            async () => (await _app.EventsAsync(rule))[0].GetProperty("deliveries")[0].GetProperty("status").GetString()
                == "sent",
            "the delivery to succeed",
            AlertTestApp.Wait);
        var delivery = (await _app.EventsAsync(rule))[0].GetProperty("deliveries")[0];
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 503 ServiceUnavailable", delivery.GetProperty("lastError").GetString());
        Assert.Equal(3, _receiver.Received.Count);
        Assert.All(_receiver.Received, n => Assert.Equal(_receiver.Received[0].GetProperty("eventId").GetInt64(),
            n.GetProperty("eventId").GetInt64()));
    }

    [Fact]
    public async Task NoDataRule_FiresWhenTrafficStopped_WhileAWindowWithTrafficStaysQuiet()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        await _app.IngestTracesAsync(3, 50, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(20));
        var stopped = await _app.CreateRuleAsync(new
        {
            name = "no traffic",
            metric = "request_volume",
            windowMinutes = 3,
            direction = "below",
            warningThreshold = 1,
            minSamples = 0,
            channelIds = new[] { channel },
        });
        var wide = await _app.CreateRuleAsync(new
        {
            name = "no traffic in the half hour",
            metric = "request_volume",
            windowMinutes = 30,
            direction = "below",
            warningThreshold = 1,
            minSamples = 0,
            channelIds = new[] { channel },
        });

        await NoticesAsync(1, "the no-data notice");
        var notice = _receiver.Received[0];
        Assert.Equal("no traffic", notice.GetProperty("rule").GetProperty("name").GetString());
        Assert.Equal(0, notice.GetProperty("value").GetDouble());
        Assert.Equal(0, notice.GetProperty("samples").GetInt64());

        await _app.EvaluationsAsync(wide, 2);
        var quiet = await _app.RuleAsync(wide);
        Assert.Equal("ok", quiet.GetProperty("state").GetString());
        Assert.Equal(3, quiet.GetProperty("lastValue").GetDouble());
        Assert.Empty(await _app.EventsAsync(wide));
        Assert.Single(_receiver.Received);
        Assert.Equal("warning", (await _app.RuleAsync(stopped)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task QualityRules_FireFromScores_ScoreMeanAndHallucinationRate()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        var traceIds = await _app.IngestTracesAsync(3, 100, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(2));
        var mean = await _app.CreateRuleAsync(new
        {
            name = "correctness dropped",
            metric = "score_mean",
            scoreName = "correctness",
            windowMinutes = 10,
            direction = "below",
            warningThreshold = 0.5,
            criticalThreshold = 0.25,
            minSamples = 3,
            channelIds = new[] { channel },
        });
        var hallucination = await _app.CreateRuleAsync(new
        {
            name = "hallucinating",
            metric = "hallucination_rate",
            windowMinutes = 10,
            direction = "above",
            warningThreshold = 0.5,
            minSamples = 3,
            channelIds = new[] { channel },
        });

        double[] values = [0.1, 0.2, 0.3];
        string[] labels = ["hallucinated", "hallucinated", "grounded"];
        await _app.IngestAsync(new
        {
            scores = traceIds.SelectMany((id, i) => new object[]
            {
                new { traceId = id, name = "correctness", value = values[i] },
                new { traceId = id, name = "groundedness", label = labels[i] },
            }),
        });

        await NoticesAsync(2, "both quality notices");
        var byRule = _receiver.Received.ToDictionary(n => n.GetProperty("rule").GetProperty("id").GetInt64());
        var meanNotice = byRule[mean];
        Assert.Equal("critical", meanNotice.GetProperty("level").GetString());
        Assert.Equal(0.2, meanNotice.GetProperty("value").GetDouble(), 6);
        Assert.Equal(0.25, meanNotice.GetProperty("threshold").GetDouble());
        Assert.Contains("scoreName=correctness", meanNotice.GetProperty("link").GetString(), StringComparison.Ordinal);
        Assert.Contains("maxScore=0.25", meanNotice.GetProperty("link").GetString(), StringComparison.Ordinal);
        var rateNotice = byRule[hallucination];
        Assert.Equal("warning", rateNotice.GetProperty("level").GetString());
        Assert.Equal(2.0 / 3, rateNotice.GetProperty("value").GetDouble(), 6);
        Assert.Equal(3, rateNotice.GetProperty("samples").GetInt64());
    }

    [Fact]
    public async Task Escalation_WarningThenCritical_NotifiesBothDespiteTheCooldown()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        await _app.CreateRuleAsync(new
        {
            name = "busy",
            metric = "request_volume",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 0,
            criticalThreshold = 5,
            minSamples = 1,
            cooldownMinutes = 60,
            channelIds = new[] { channel },
        });
        await _app.IngestTracesAsync(1, 10, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        await NoticesAsync(1, "the warning");
        await _app.IngestTracesAsync(10, 10, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        await NoticesAsync(2, "the critical notice");
        Assert.Equal(["warning", "critical"], _receiver.Received.Select(n => n.GetProperty("level").GetString()));
        Assert.All(_receiver.Received, n => Assert.Equal("firing", n.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task NegativeFeedbackRule_FiresFromThumbsAndRatings()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        var traceIds = await _app.IngestTracesAsync(4, 10, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        await _app.CreateRuleAsync(new
        {
            name = "users unhappy",
            metric = "negative_feedback_rate",
            windowMinutes = 10,
            direction = "above",
            warningThreshold = 0.5,
            minSamples = 4,
            channelIds = new[] { channel },
        });
        await _app.IngestAsync(new
        {
            feedback = new object[]
            {
                new { traceId = traceIds[0], kind = "thumbs", value = -1 },
                new { traceId = traceIds[1], kind = "thumbs", value = -1 },
                new { traceId = traceIds[2], kind = "rating", value = 1 },
                new { traceId = traceIds[3], kind = "thumbs", value = 1 },
            },
        });
        await NoticesAsync(1, "the feedback notice");
        var notice = _receiver.Received[0];
        Assert.Equal(0.75, notice.GetProperty("value").GetDouble(), 6);
        Assert.Equal(4, notice.GetProperty("samples").GetInt64());
        Assert.EndsWith("&feedback=negative", notice.GetProperty("link").GetString(), StringComparison.Ordinal);
    }

    private Task NoticesAsync(int count, string what)
        => Poll.UntilAsync(() => Task.FromResult(_receiver.Received.Count >= count), what, AlertTestApp.Wait);
}
