using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Audit;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Audit;

/// <summary>
/// The audit log over the API: each key and settings change made through the API is recorded once, in the name of
/// the key that made it and with the client's address, with no secret in it; <c>GET /api/audit</c> filters and pages.
/// </summary>
public sealed class AuditLogApiTests : IAsyncLifetime
{
    private const string InitActor = $"key {RunningApp.PublicKey} (init)";

    private EvaluationHarness _harness = null!;

    private HttpClient Client => _harness.Client;

    public async Task InitializeAsync() => _harness = await EvaluationHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SettingsChangesThroughTheApi_AreEachRecordedOnceWithTheKeyAndNoSecret()
    {
        var key = await CreatedAsync("api/project/keys", new { name = "ci reader", scope = "read" });
        var secret = key.GetProperty("secretKey").GetString()!;
        var keyId = key.GetProperty("key").GetProperty("id").GetInt64();
        await OkAsync(Client.DeleteAsync($"api/project/keys/{keyId}"));
        await OkAsync(Client.PutAsJsonAsync(
            "api/project/redaction",
            new { detectors = new[] { "email" }, patterns = new[] { new { name = "ticket", pattern = "T-[0-9]+" } } }));
        await OkAsync(Client.PutAsJsonAsync(
            "api/project/feedback-origins",
            new { origins = new[] { "https://shop.example.com" } }));
        var browserKey = await CreatedAsync("api/project/browser-keys", new { name = "shop" });
        await OkAsync(Client.DeleteAsync($"api/project/browser-keys/{browserKey.GetProperty("id").GetInt64()}"));
        var channel = await CreatedAsync(
            "api/alerts/channels",
            new { name = "hook", kind = "webhook", url = "http://127.0.0.1:9/hook" });
        var channelId = channel.GetProperty("id").GetInt64();
        await OkAsync(Client.PutAsJsonAsync(
            $"api/alerts/channels/{channelId}",
            new { name = "hook 2", kind = "webhook", url = "http://127.0.0.1:9/hook" }));
        var rule = await CreatedAsync("api/alerts/rules", new
        {
            name = "errors",
            metric = "error_rate",
            windowMinutes = 5,
            direction = "above",
            criticalThreshold = 0.5,
            minSamples = 1,
            channelIds = new[] { channelId },
        });
        var ruleId = rule.GetProperty("id").GetInt64();
        await OkAsync(Client.PutAsJsonAsync($"api/alerts/rules/{ruleId}", new
        {
            name = "errors 2",
            metric = "error_rate",
            windowMinutes = 5,
            direction = "above",
            criticalThreshold = 0.6,
            minSamples = 1,
            channelIds = new[] { channelId },
        }));
        await OkAsync(Client.DeleteAsync($"api/alerts/rules/{ruleId}"));
        await OkAsync(Client.DeleteAsync($"api/alerts/channels/{channelId}"));
        var evaluator = await CreatedAsync("api/evaluators", new { name = "refusals", kind = "refusal" });
        var evaluatorId = evaluator.GetProperty("id").GetString()!;
        await OkAsync(Client.PutAsJsonAsync(
            $"api/evaluators/{evaluatorId}",
            new { name = "refusals", kind = "refusal" }));
        await OkAsync(Client.PostAsync($"api/evaluators/{evaluatorId}/disable", null));
        await OkAsync(Client.PostAsync($"api/evaluators/{evaluatorId}/enable", null));
        var endpointId = await _harness.CreateEndpointAsync();
        await OkAsync(Client.DeleteAsync($"api/judge-endpoints/{endpointId}"));
        var monitor = await CreatedAsync("api/drift/monitors", new
        {
            name = "lengths",
            features = new[] { new { feature = "output_tokens" } },
            referenceMinutes = 60,
            currentMinutes = 60,
            minimumSampleSize = 30,
            intervalMinutes = 60,
            enabled = false,
        });
        await OkAsync(Client.DeleteAsync($"api/drift/monitors/{monitor.GetProperty("id").GetString()}"));
        var dataset = await CreatedAsync("api/datasets", new { name = "regressions" });
        var datasetId = dataset.GetProperty("id").GetString()!;
        using var added = await Client.PostAsJsonAsync(
            $"api/datasets/{datasetId}/items",
            new { input = "What is our refund policy?", expectedOutput = "Thirty days." });
        var itemId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("item").GetProperty("id")
            .GetString();
        await OkAsync(Client.DeleteAsync($"api/datasets/{datasetId}/items/{itemId}"));

        using var response = await Client.GetAsync("api/audit?limit=500");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().ToList();
        var actions = events.Select(e => e.GetProperty("action").GetString()!).ToList();
        string[] expected =
        [
            AuditActions.KeyCreated, AuditActions.KeyRevoked, AuditActions.RedactionChanged,
            AuditActions.FeedbackOriginsChanged, AuditActions.BrowserKeyCreated, AuditActions.BrowserKeyRevoked,
            AuditActions.AlertChannelCreated, AuditActions.AlertChannelUpdated, AuditActions.AlertRuleCreated,
            AuditActions.AlertRuleUpdated, AuditActions.AlertRuleDeleted, AuditActions.AlertChannelDeleted,
            AuditActions.EvaluatorCreated, AuditActions.EvaluatorUpdated, AuditActions.EvaluatorDisabled,
            AuditActions.EvaluatorEnabled, AuditActions.JudgeEndpointCreated, AuditActions.JudgeEndpointDeleted,
            AuditActions.DriftMonitorCreated, AuditActions.DriftMonitorDeleted, AuditActions.DatasetItemDeleted,
        ];
        Assert.Equal(Enumerable.Reverse(expected), actions);
        Assert.All(events, e => Assert.Equal(InitActor, e.GetProperty("actor").GetString()));
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.GetProperty("clientIp").GetString()));
        var created = events.Single(e => e.GetProperty("action").GetString() == AuditActions.KeyCreated);
        Assert.Equal(
            key.GetProperty("key").GetProperty("publicKey").GetString(),
            created.GetProperty("target").GetString());
        Assert.Equal("read", created.GetProperty("detail").GetProperty("scope").GetString());
        var deletedItem = events.Single(e => e.GetProperty("action").GetString() == AuditActions.DatasetItemDeleted);
        Assert.Equal($"{datasetId}/{itemId}", deletedItem.GetProperty("target").GetString());
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningApp.SecretKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(EvaluationHarness.JudgeKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("T-[0-9]+", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refund policy", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditApi_FiltersByActionAndTime_PagesNewestFirst_AndNamesBadFields()
    {
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var key = await CreatedAsync("api/project/keys", new { name = $"key {i}", scope = "ingest" });
            ids.Add(key.GetProperty("key").GetProperty("id").GetInt64());
        }

        await OkAsync(Client.DeleteAsync($"api/project/keys/{ids[0]}"));

        var first = await Client.GetFromJsonAsync<JsonElement>("api/audit?action=key.created&limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await Client.GetFromJsonAsync<JsonElement>(
            $"api/audit?action=key.created&limit=2&cursor={cursor}");
        var prefix = await Client.GetFromJsonAsync<JsonElement>("api/audit?action=key.*");
        var future = await Client.GetFromJsonAsync<JsonElement>("api/audit?from=2999-01-01T00:00:00Z");
        var past = await Client.GetFromJsonAsync<JsonElement>("api/audit?to=2000-01-01T00:00:00Z");
        using var bad = await Client.GetAsync("api/audit?from=yesterday&limit=0&cursor=x");

        Assert.Equal(["key 2", "key 1"], Names(first));
        Assert.Equal(["key 0"], Names(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(4, prefix.GetProperty("data").GetArrayLength());
        Assert.Equal(AuditActions.KeyRevoked, prefix.GetProperty("data")[0].GetProperty("action").GetString());
        Assert.Equal(0, future.GetProperty("data").GetArrayLength());
        Assert.Equal(0, past.GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("from", out _));
        Assert.True(errors.TryGetProperty("limit", out _));
        Assert.True(errors.TryGetProperty("cursor", out _));
    }

    private static List<string> Names(JsonElement page)
        => [.. page.GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("detail").GetProperty("name").GetString()!)];

    private async Task<JsonElement> CreatedAsync(string path, object body)
    {
        using var response = await Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task OkAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.IsSuccessStatusCode,
            $"{response.RequestMessage!.RequestUri}: {response.StatusCode} {text}");
    }
}
