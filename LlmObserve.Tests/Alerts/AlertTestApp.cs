using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// The app with rules evaluated every second and failed deliveries retried after a second, and the calls the alert
/// tests make through its API.
/// </summary>
internal sealed class AlertTestApp : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private AlertTestApp(RunningApp app)
    {
        App = app;
        Client = app.CreateClient();
    }

    public RunningApp App { get; }

    public HttpClient Client { get; }

    public static async Task<AlertTestApp> StartAsync()
        => new(await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Alerts:EvaluationIntervalSeconds"] = "1",
            ["LlmObserve:Alerts:RetryBaseSeconds"] = "1",
            ["LlmObserve:Alerts:RetryMaxSeconds"] = "2",
            ["LlmObserve:Alerts:MaxAttempts"] = "4",
        }));

    /// <summary>Stores <paramref name="count"/> traces starting at <paramref name="start"/>, each as long.</summary>
    public async Task<IReadOnlyList<string>> IngestTracesAsync(int count, double latencyMs, DateTimeOffset start)
    {
        var end = start + TimeSpan.FromMilliseconds(latencyMs);
        var traces = Enumerable.Range(0, count).Select(i => new
        {
            name = "chat",
            startTime = start.ToString("O", CultureInfo.InvariantCulture),
            endTime = end.ToString("O", CultureInfo.InvariantCulture),
            input = "question " + i,
            output = "answer " + i,
        });
        return await IngestAsync(new { traces });
    }

    public async Task<IReadOnlyList<string>> IngestAsync(object batch)
    {
        using var response = await Client.PostAsJsonAsync("api/ingest", batch);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("traceIds").EnumerateArray().Select(t => t.GetString()!)];
    }

    public async Task<long> CreateChannelAsync(object channel)
    {
        using var response = await Client.PostAsJsonAsync("api/alerts/channels", channel);
        Assert.True(
            response.StatusCode == HttpStatusCode.Created,
            await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public Task<long> CreateWebhookAsync(Uri url, string kind = "webhook")
        => CreateChannelAsync(new { name = kind + " " + url.AbsolutePath, kind, url = url.ToString() });

    public async Task<long> CreateRuleAsync(object rule)
    {
        using var response = await Client.PostAsJsonAsync("api/alerts/rules", rule);
        Assert.True(
            response.StatusCode == HttpStatusCode.Created,
            await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public Task<JsonElement> RuleAsync(long id) => Client.GetFromJsonAsync<JsonElement>($"api/alerts/rules/{id}");

    public async Task<JsonElement[]> EventsAsync(long? ruleId = null)
    {
        var body = await Client.GetFromJsonAsync<JsonElement>(
            "api/alerts/events" + (ruleId is null ? string.Empty : "?ruleId=" + ruleId));
        return [.. body.GetProperty("data").EnumerateArray()];
    }

    /// <summary>Waits until the job has evaluated the rule <paramref name="times"/> more times.</summary>
    public async Task EvaluationsAsync(long ruleId, int times)
    {
        for (var i = 0; i < times; i++)
        {
            var before = (await RuleAsync(ruleId)).GetProperty("lastEvaluatedAt").ToString();
            await Poll.UntilAsync(
                async () => (await RuleAsync(ruleId)).GetProperty("lastEvaluatedAt").ToString() != before,
                "another evaluation of rule " + ruleId,
                Wait);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
