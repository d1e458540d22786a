using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// Everything of a second project reached by its id from the first one, with the first project's key and as its
/// admin signed in: every route answers 404, changes nothing there, and no page shows the other project's data.
/// </summary>
public sealed class CrossProjectAccessTests : IAsyncLifetime
{
    private const string BravoInput = "bravo private prompt text";
    private const string AlphaAdmin = "alpha-admin@test.example";

    /// <summary>A webhook on this machine's discard port: nothing is sent anywhere else.</summary>
    private const string Hook = "http://127.0.0.1:9/hook";

    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OtherProjectsIds_FromTheFirstProject_Are404AndLeaveItsDataAlone()
    {
        using var bravo = await BravoClientAsync();
        var b = await SeedAsync(bravo);
        await TestPeople.AddAsync(_app, AlphaAdmin, ProjectRole.Admin);
        using var person = await _app.CreateSignedInClientAsync(AlphaAdmin, TestPeople.Password);
        using var key = _app.CreateClient();
        var alphaTrace = await IngestAsync(key, "s-alpha", "alpha prompt");
        var requests = Requests(b, alphaTrace);

        var failures = new List<string>();
        foreach (var (who, client) in new[] { ("key", key), ("alpha admin", person) })
        {
            foreach (var (method, path, body) in requests)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (body is not null)
                {
                    request.Content = new StringContent(
                        JsonSerializer.Serialize(body),
                        Encoding.UTF8,
                        "application/json");
                }

                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.NotFound || text.Contains("bravo", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {path} as {who}: {(int)response.StatusCode} {text}");
                }
            }
        }

        using var alphaSet = await key.PostAsJsonAsync(
            new Uri("api/datasets", UriKind.Relative),
            new { name = "alpha" });
        var alphaSetId = (await alphaSet.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var copied = await person.PostAsJsonAsync(
            new Uri($"api/datasets/{alphaSetId}/items/from-trace", UriKind.Relative),
            new { traceId = b.TraceId });
        using var feedback = await key.PostAsJsonAsync(
            new Uri("api/feedback", UriKind.Relative),
            new { traceId = b.TraceId, kind = "thumbs", value = -1 });
        using var score = await key.PostAsJsonAsync(
            new Uri("api/scores", UriKind.Relative),
            new { traceId = b.TraceId, name = "helpful", value = 0 });

        var pages = new List<string>();
        string[] pagePaths = [$"traces/{b.TraceId}", "sessions/s-bravo", "users/u-s-bravo", $"annotation/{b.QueueId}"];
        foreach (var path in pagePaths)
        {
            using var response = await person.GetAsync(new Uri(path, UriKind.Relative));
            pages.Add($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // The control: the same page of the person's own project does show its trace's text.
        var ownPage = await person.GetStringAsync(new Uri($"traces/{alphaTrace}", UriKind.Relative));

        var afterwards = new[]
        {
            $"api/traces/{b.TraceId}", $"api/datasets/{b.DatasetId}", $"api/alerts/rules/{b.RuleId}",
            $"api/drift/monitors/{b.MonitorId}", $"api/annotation-queues/{b.QueueId}",
            $"api/evaluators/{b.EvaluatorId}",
        };
        var kept = new List<HttpStatusCode>();
        foreach (var path in afterwards)
        {
            using var response = await bravo.GetAsync(new Uri(path, UriKind.Relative));
            kept.Add(response.StatusCode);
        }

        using var trace = JsonDocument.Parse(
            await bravo.GetStringAsync(new Uri($"api/traces/{b.TraceId}", UriKind.Relative)));
        using var dataset = JsonDocument.Parse(
            await bravo.GetStringAsync(new Uri($"api/datasets/{b.DatasetId}", UriKind.Relative)));

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(HttpStatusCode.BadRequest, copied.StatusCode);
        Assert.Contains(
            "is stored in this project",
            await copied.Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
        Assert.Contains("alpha prompt", ownPage, StringComparison.Ordinal);
        Assert.All(pages, page => Assert.DoesNotContain(BravoInput, page, StringComparison.Ordinal));
        Assert.All(pages, page => Assert.DoesNotContain("bravo queue", page, StringComparison.Ordinal));
        Assert.All(kept, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(0, trace.RootElement.GetProperty("scores").GetArrayLength());
        Assert.Equal(0, trace.RootElement.GetProperty("feedback").GetArrayLength());
        Assert.Equal(
            "bravo expected",
            dataset.RootElement.GetProperty("items")[0].GetProperty("expectedOutput").GetString());
    }

    [Fact]
    public async Task Setup_PendingFirstKeyOfAnotherProject_IsNotShownToThisProjectsAdmin()
    {
        var keyStore = _app.GetRequiredService<FirstRunKeyStore>();
        var (created, _) = await _app.Services.GetRequiredService<ProjectService>()
            .CreateAsync("Bravo", CancellationToken.None);
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
            var firstProject = await db.Projects.OrderBy(p => p.CreatedAt).Select(p => p.Id).FirstAsync();
            keyStore.Keep(firstProject, new ApiKeyPair("pk-lo-pending", "sk-lo-pending-secret-0123456789"));
            await scope.ServiceProvider.GetRequiredService<AccountService>().CreateUserAsync(
                "bravo-admin@test.example",
                TestPeople.Password,
                created!.Project.Id,
                ProjectRole.Admin,
                "test",
                CancellationToken.None);
        }

        using var bravoAdmin = await _app.CreateSignedInClientAsync("bravo-admin@test.example", TestPeople.Password);
        using var instanceAdmin = await _app.CreateSignedInClientAsync();
        using var other = await bravoAdmin.GetAsync(new Uri("setup", UriKind.Relative));
        var otherPage = await other.Content.ReadAsStringAsync();
        var ownerPage = await instanceAdmin.GetStringAsync(new Uri("setup", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.DoesNotContain("sk-lo-pending-secret", otherPage, StringComparison.Ordinal);
        Assert.Contains("sk-lo-pending-secret-0123456789", ownerPage, StringComparison.Ordinal);
        Assert.NotNull(keyStore.Read());
    }

    /// <summary>Every route that takes an id, with the second project's ids; bodies valid but for whose ids.</summary>
    private static List<(string Method, string Path, object? Body)> Requests(Bravo b, string alphaTrace)
    {
        var rule = new
        {
            name = "changed", metric = "error_rate", windowMinutes = 5, direction = "above",
            criticalThreshold = 0.5, minSamples = 1,
        };
        var monitor = new
        {
            name = "changed", features = new[] { new { feature = "output_tokens" } }, referenceMinutes = 60,
            currentMinutes = 60, minimumSampleSize = 30, intervalMinutes = 60, enabled = false,
        };
        return
        [
            ("GET", $"api/traces/{b.TraceId}", null),
            ("GET", "api/sessions/s-bravo", null),
            ("GET", $"api/datasets/{b.DatasetId}", null),
            ("GET", $"api/datasets/{b.DatasetId}/export", null),
            ("POST", $"api/datasets/{b.DatasetId}/items", new { input = "x" }),
            ("POST", $"api/datasets/{b.DatasetId}/items/from-trace", new { traceId = alphaTrace }),
            ("PUT", $"api/datasets/{b.DatasetId}/items/{b.ItemId}/expected-output", new { expectedOutput = "y" }),
            ("DELETE", $"api/datasets/{b.DatasetId}/items/{b.ItemId}", null),
            ("GET", $"api/alerts/rules/{b.RuleId}", null),
            ("PUT", $"api/alerts/rules/{b.RuleId}", rule),
            ("DELETE", $"api/alerts/rules/{b.RuleId}", null),
            ("PUT", $"api/alerts/channels/{b.ChannelId}", new { name = "c", kind = "webhook", url = Hook }),
            ("POST", $"api/alerts/channels/{b.ChannelId}/test", null),
            ("DELETE", $"api/alerts/channels/{b.ChannelId}", null),
            ("GET", $"api/drift/monitors/{b.MonitorId}", null),
            ("GET", $"api/drift/monitors/{b.MonitorId}/results", null),
            ("PUT", $"api/drift/monitors/{b.MonitorId}", monitor),
            ("POST", $"api/drift/monitors/{b.MonitorId}/run", null),
            ("DELETE", $"api/drift/monitors/{b.MonitorId}", null),
            ("GET", $"api/evaluators/{b.EvaluatorId}", null),
            ("GET", $"api/evaluators/{b.EvaluatorId}/status", null),
            ("POST", $"api/evaluators/{b.EvaluatorId}/disable", null),
            ("POST", $"api/evaluators/{b.EvaluatorId}/enable", null),
            ("GET", $"api/annotation-queues/{b.QueueId}", null),
            ("GET", $"api/annotation-queues/{b.QueueId}/agreement", null),
            ("POST", $"api/annotation-queues/{b.QueueId}/next", new { reviewer = "someone" }),
        ];
    }

    private async Task<HttpClient> BravoClientAsync()
    {
        var (created, errors) = await _app.Services.GetRequiredService<ProjectService>()
            .CreateAsync("Bravo", CancellationToken.None);
        Assert.Empty(errors);
        var client = await _app.CreateSignedInClientAsync();
        client.DefaultRequestHeaders.Add(UserApiAccess.ProjectHeader, created!.Project.Id);
        return client;
    }

    /// <summary>
    /// A trace, a dataset with an item, an alert rule and channel, a drift monitor, a queue and an evaluator in Bravo.
    /// </summary>
    private static async Task<Bravo> SeedAsync(HttpClient bravo)
    {
        var traceId = await IngestAsync(bravo, "s-bravo", BravoInput);
        var datasetId = (await PostAsync(bravo, "api/datasets", new { name = "bravo set" }))
            .GetProperty("id").GetString()!;
        await PostAsync(
            bravo,
            $"api/datasets/{datasetId}/items/from-trace",
            new { traceId, expectedOutput = "bravo expected" });
        using var dataset = JsonDocument.Parse(
            await bravo.GetStringAsync(new Uri($"api/datasets/{datasetId}", UriKind.Relative)));
        var itemId = dataset.RootElement.GetProperty("items")[0].GetProperty("id").ToString();
        var channelId = (await PostAsync(
            bravo,
            "api/alerts/channels",
            new { name = "bravo hook", kind = "webhook", url = Hook })).GetProperty("id").GetInt64();
        var ruleId = (await PostAsync(bravo, "api/alerts/rules", new
        {
            name = "bravo rule", metric = "error_rate", windowMinutes = 5, direction = "above",
            criticalThreshold = 0.5, minSamples = 1,
        })).GetProperty("id").GetInt64();
        var monitorId = (await PostAsync(bravo, "api/drift/monitors", new
        {
            name = "bravo drift", features = new[] { new { feature = "output_tokens" } }, referenceMinutes = 60,
            currentMinutes = 60, minimumSampleSize = 30, intervalMinutes = 60, enabled = false,
        })).GetProperty("id").GetString()!;
        var queueId = (await PostAsync(bravo, "api/annotation-queues", new
        {
            name = "bravo queue", filter = "", scoreConfigs = new[] { new { name = "correct", kind = "boolean" } },
        })).GetProperty("id").GetString()!;
        var evaluatorId = (await PostAsync(bravo, "api/evaluators", new { name = "bravo refusals", kind = "refusal" }))
            .GetProperty("id").GetString()!;
        return new Bravo(traceId, datasetId, itemId, channelId, ruleId, monitorId, queueId, evaluatorId);
    }

    private static async Task<string> IngestAsync(HttpClient client, string sessionId, string input)
    {
        var traceId = OtlpRequests.NewTraceId();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await PostAsync(client, "api/ingest", new
        {
            traces = new[]
            {
                new
                {
                    id = traceId, name = "chat", sessionId, userId = "u-" + sessionId,
                    startTime = start.ToString("O"), endTime = start.AddSeconds(1).ToString("O"),
                    input, output = "an answer",
                },
            },
        });
        return traceId;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed record Bravo(
        string TraceId,
        string DatasetId,
        string ItemId,
        long ChannelId,
        long RuleId,
        string MonitorId,
        string QueueId,
        string EvaluatorId);
}
