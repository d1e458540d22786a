using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Alerts;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// Save-time validation, and "send test" to webhooks (with redirects) and to an SMTP server on 127.0.0.1.
/// </summary>
public sealed class AlertApiTests : IAsyncLifetime
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

    [Theory]
    [InlineData("""{"name":"r","metric":"latency_p42","windowMinutes":5,"direction":"above","warningThreshold":1}""",
        "metric", "'latency_p42' is not a metric; use one of")]
    [InlineData(
        """{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"above","warningThreshold":"high"}""",
        "warningThreshold", "'warningThreshold' is not valid JSON of the expected type.")]
    [InlineData(
        """{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"above","criticalThreshold":true}""",
        "criticalThreshold", "'criticalThreshold' is not valid JSON of the expected type.")]
    [InlineData("""{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"sideways","warningThreshold":1}""",
        "direction", "'direction' must be above or below.")]
    [InlineData("""{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"above"}""",
        "warningThreshold", "Set 'warningThreshold', 'criticalThreshold' or both.")]
    [InlineData(
        """{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"above","warningThreshold":9,"""
            + """ "criticalThreshold":2}""",
        "criticalThreshold", "'criticalThreshold' must not be below 'warningThreshold' for a rule that fires above.")]
    [InlineData("""{"name":"r","metric":"score_mean","windowMinutes":5,"direction":"below","warningThreshold":1}""",
        "scoreName", "'scoreName' is required for score_mean")]
    [InlineData("""{"name":"r","metric":"latency_p95","windowMinutes":0,"direction":"above","warningThreshold":1}""",
        "windowMinutes", "'windowMinutes' must be a whole number from 1 to")]
    [InlineData(
        """{"name":"r","metric":"latency_p95","windowMinutes":5,"direction":"above","warningThreshold":1,"""
            + """ "channelIds":[999]}""",
        "channelIds", "No channel with id 999 in this project.")]
    public async Task Rule_BadField_Is400NamingIt(string body, string field, string message)
    {
        using var response = await _app.Client.PostAsync("api/alerts/rules", Json(body));
        await AssertProblemAsync(response, field, message);
        Assert.Empty(await _app.Client.GetFromJsonAsync<JsonElement[]>("api/alerts/rules") ?? []);
    }

    [Theory]
    [InlineData("""{"name":"c","kind":"webhook","url":"ftp://127.0.0.1/hook"}""", "url",
        "'url' must be an absolute http or https address; 'ftp://127.0.0.1/hook' is not.")]
    [InlineData("""{"name":"c","kind":"slack","url":"file:///etc/passwd"}""", "url",
        "'url' must be an absolute http or https address; 'file:///etc/passwd' is not.")]
    [InlineData("""{"name":"c","kind":"webhook","url":"/relative"}""", "url",
        "'url' must be an absolute http or https address; '/relative' is not.")]
    [InlineData("""{"name":"c","kind":"pager"}""", "kind", "'kind' must be one of webhook, slack, email.")]
    [InlineData("""{"name":"c","kind":"email","smtpHost":"127.0.0.1","emailFrom":"a@b.test","emailTo":"nobody"}""",
        "emailTo", "'nobody' in 'emailTo' is not an email address.")]
    [InlineData(
        """{"name":"c","kind":"email","smtpHost":"127.0.0.1","smtpPort":70000,"emailFrom":"a@b.test","""
            + """ "emailTo":"x@y.test"}""",
        "smtpPort", "'smtpPort' must be from 1 to 65535.")]
    public async Task Channel_BadField_Is400NamingIt(string body, string field, string message)
    {
        using var response = await _app.Client.PostAsync("api/alerts/channels", Json(body));
        await AssertProblemAsync(response, field, message);
    }

    [Fact]
    public async Task Metrics_ListsEveryBuiltInMetric()
    {
        var metrics = await _app.Client.GetFromJsonAsync<JsonElement[]>("api/alerts/metrics");
        Assert.Equal(
            [
                AlertMetricNames.LatencyP50, AlertMetricNames.LatencyP95, AlertMetricNames.LatencyP99,
                AlertMetricNames.ErrorRate, AlertMetricNames.CostPerHour, AlertMetricNames.Tokens,
                AlertMetricNames.RequestVolume, AlertMetricNames.ScoreMean, AlertMetricNames.HallucinationRate,
                AlertMetricNames.NegativeFeedbackRate, AlertMetricNames.DriftScore, AlertMetricNames.DriftedFeatures,
            ],
            metrics!.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(
            [AlertMetricNames.DriftScore, AlertMetricNames.DriftedFeatures],
            metrics!.Where(m => m.GetProperty("driftMonitor").GetBoolean())
                .Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task SendTest_Webhook_PostsTheDocumentedPayload()
    {
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        using var response = await _app.Client.PostAsync($"api/alerts/channels/{channel}/test", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = Assert.Single(_receiver.Received);
        Assert.True(notice.GetProperty("test").GetBoolean());
        string[] fields = ["eventId", "rule", "level", "status", "value", "threshold", "direction", "samples", "window",
            "link", "time", "test"];
        Assert.Equal(fields, notice.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task SendTest_RedirectToAnotherHost_IsNotFollowed_SameHostIs()
    {
        var elsewhere = await _app.CreateWebhookAsync(new Uri(_receiver.BaseAddress, "elsewhere"));
        using (var refused = await _app.Client.PostAsync($"api/alerts/channels/{elsewhere}/test", null))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(
                "HTTP 307: redirected to another host (localhost); not followed.",
                problem.GetProperty("detail").GetString());
        }

        Assert.Empty(_receiver.Received);

        var same = await _app.CreateWebhookAsync(new Uri(_receiver.BaseAddress, "same"), "slack");
        using var followed = await _app.Client.PostAsync($"api/alerts/channels/{same}/test", null);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        var slack = Assert.Single(_receiver.Received);
        Assert.StartsWith("[test] FIRING WARNING: Test notice from LlmObserve", slack.GetProperty("text").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTest_UnreachableWebhook_Is502WithTheReason()
    {
        var port = _receiver.BaseAddress.Port;
        await _receiver.DisposeAsync();
        _receiver = await WebhookReceiver.StartAsync();
        var channel = await _app.CreateWebhookAsync(new Uri($"http://127.0.0.1:{port}/hook"));
        using var response = await _app.Client.PostAsync($"api/alerts/channels/{channel}/test", null);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith($"127.0.0.1:{port} could not be reached", problem.GetProperty("detail").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_SendTestAndAFiringRule_ReachTheSmtpServer()
    {
        await using var smtp = SmtpReceiver.Start();
        var channel = await _app.CreateChannelAsync(new
        {
            name = "on-call mail",
            kind = "email",
            smtpHost = "127.0.0.1",
            smtpPort = smtp.Port,
            smtpUseTls = false,
            emailFrom = "llmobserve@example.test",
            emailTo = "oncall@example.test, lead@example.test",
        });
        using (var test = await _app.Client.PostAsync($"api/alerts/channels/{channel}/test", null))
        {
            Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        }

        var testMail = Assert.Single(smtp.Messages);
        Assert.StartsWith("[LlmObserve] [test] FIRING WARNING", testMail.Subject, StringComparison.Ordinal);
        Assert.Equal(["oncall@example.test", "lead@example.test"], testMail.To.Mailboxes.Select(m => m.Address));

        await _app.CreateRuleAsync(new
        {
            name = "errors",
            metric = "error_rate",
            windowMinutes = 5,
            direction = "above",
            criticalThreshold = 0.5,
            minSamples = 1,
            channelIds = new[] { channel },
        });
        await _app.IngestAsync(new
        {
            traces = new[] { new { name = "chat", status = "error", statusMessage = "upstream timeout" } },
        });
        await Poll.UntilAsync(() => Task.FromResult(smtp.Messages.Count >= 2), "the alert mail", AlertTestApp.Wait);
        var mail = smtp.Messages[1];
        Assert.StartsWith(
            "[LlmObserve] FIRING CRITICAL: errors — error_rate = 1",
            mail.Subject,
            StringComparison.Ordinal);
        Assert.Contains("status=error", mail.TextBody, StringComparison.Ordinal);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var reasons), problem.ToString());
        Assert.StartsWith(message, reasons[0].GetString(), StringComparison.Ordinal);
    }
}
