using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Drift.Monitors;

/// <summary>
/// <c>/api/drift/monitors</c>: saving, refusing bad monitors with the field at fault (RFC 7807), running now, the
/// results series, "not enough data", missing features counted, and the Quartz job running a due monitor.
/// </summary>
public sealed class DriftMonitorApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-2).Date;

    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Drift:Monitors:PollSeconds"] = "0.2",
        });
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, string, string> BadMonitors => new()
    {
        {
            "+" + """{"referenceKind":"fixed", """
                + """ "referenceFrom":"2026-01-01T00:00:00Z", """
                + """ "referenceTo":"2099-01-01T00:00:00Z","currentMinutes":60}""",
            "referenceTo", "overlaps the current window"
        },
        {
            "+" + """{"referenceKind":"fixed", """
                + """ "referenceFrom":"2026-01-02T00:00:00Z","referenceTo":"2026-01-01T00:00:00Z"}""",
            "referenceTo", "is empty"
        },
        { "+" + """{"currentMinutes":0}""", "currentMinutes", "empty" },
        { "+" + """{"referenceMinutes":-5}""", "referenceMinutes", "empty" },
        { """{"name":"m","features":[{"feature":"mood"}]}""", "features[0].feature", "Unknown feature 'mood'" },
        { """{"name":"m","features":[{"feature":"input_tokens","test":"magic"}]}""", "features[0].test", "'magic'" },
        { """{"name":"m","features":[{"feature":"refusal","test":"ks"}]}""", "features[0].test", "does not apply" },
        {
            """{"name":"m","features":[{"feature":"input_tokens","test":"ks","threshold":1.5}]}""",
            "features[0].threshold", "(0, 1)"
        },
        {
            """{"name":"m","features":[{"feature":"input_embedding","threshold":0.3}]}""",
            "features[0].threshold", "(0.5, 1]"
        },
        {
            """{"name":"m","features":[{"feature":"input_tokens","threshold":0.05}]}""",
            "features[0].threshold", "name a test"
        },
        { "+" + """{"minimumSampleSize":0}""", "minimumSampleSize", "at least 1" },
        { "+" + """{"cron":"every day"}""", "cron", "not a Quartz cron" },
        { "+" + """{"cron":"0 0 * * * ?","intervalMinutes":5}""", "cron", "not both" },
        { """{"name":"m","features":[]}""", "features", "at least one feature" },
        { """{"features":[{"feature":"input_tokens"}]}""", "name", "name is required" },
        { "+" + """{"referenceKind":"sliding"}""", "referenceKind", "sliding" },
        { "+" + """{"minimumSampleSize":"many"}""", "minimumSampleSize", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadMonitors))]
    public async Task Save_BadMonitor_RefusedWith400NamingTheField(string body, string field, string message)
    {
        // "+{…}" adds the fields to a monitor named "m" that compares input_tokens.
        if (body.StartsWith('+'))
        {
            body = """{"name":"m","features":[{"feature":"input_tokens"}],""" + body[2..];
        }

        var response = await _client.PostAsync(
            "api/drift/monitors",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.Contains(message, messages[0].GetString(), StringComparison.Ordinal);
        Assert.Empty((await _client.GetFromJsonAsync<List<DriftMonitorView>>("api/drift/monitors"))!);
    }

    [Fact]
    public async Task Monitor_CreatedChangedAndDeleted_ReadsBackAsSaved()
    {
        var created = await CreateAsync(new
        {
            name = "answers",
            features = new object[]
            {
                new { feature = "output_tokens", test = "KS", threshold = 0.01 },
                new { feature = "input_embedding", test = "embedding_mmd" },
                new { feature = "tone" },
            },
            referenceKind = "fixed",
            referenceFrom = Start.AddDays(-7),
            referenceTo = Start,
            currentMinutes = 60,
            cron = "0 0 * * * ?",
        });

        Assert.Equal(["output_tokens", "input_embedding", "tone"], created.Features.Select(f => f.Feature));
        Assert.Equal("ks", created.Features[0].Test);
        Assert.Equal(0.01, created.Features[0].Threshold);
        Assert.Equal("auto", created.Features[2].Test);
        Assert.Equal(Start, created.ReferenceTo);
        Assert.Null(created.IntervalMinutes);
        Assert.NotNull(created.NextRunAt);

        var changed = await _client.PutAsJsonAsync($"api/drift/monitors/{created.Id}", new
        {
            name = "answers, hourly",
            features = new object[] { new { feature = "cost", test = "psi" } },
            intervalMinutes = 30,
            enabled = false,
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var read = await _client.GetFromJsonAsync<DriftMonitorView>($"api/drift/monitors/{created.Id}");
        Assert.Equal("answers, hourly", read!.Name);
        Assert.Equal("rolling", read.ReferenceKind);
        Assert.Equal(7 * 24 * 60, read.ReferenceMinutes);
        Assert.Equal(30, read.IntervalMinutes);
        Assert.False(read.Enabled);
        Assert.Null(read.NextRunAt);

        var deleted = await _client.DeleteAsync($"api/drift/monitors/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"api/drift/monitors/{created.Id}")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await _client.PostAsync($"api/drift/monitors/{created.Id}/run", null)).StatusCode);
    }

    [Fact]
    public async Task Run_TooFewTraces_SaysNotEnoughDataWithTheCounts()
    {
        var traffic = new DriftTraffic(seed: 1);
        await traffic.WriteAsync(_app, Start, TimeSpan.FromHours(1), 12, [1, 1], 100);
        await traffic.WriteAsync(_app, Start.AddHours(1), TimeSpan.FromHours(1), 8, [1, 1], 100);
        var monitor = await CreateAsync(Rolling("few", 60, 60, 10, "output_tokens", "input_embedding", "input_topics"));

        var result = await RunAsync(monitor.Id, Start.AddHours(2));

        Assert.All(result.Features, f => Assert.Equal("not_enough_data", f.Status));
        Assert.All(result.Features, f => Assert.False(f.Drifted));
        Assert.All(result.Features, f => Assert.Contains("not enough data (n = 12 reference, 8 current", f.Message));
        Assert.Equal(0, result.FeaturesWithVerdict);
    }

    [Fact]
    public async Task Run_TracesWithoutFeaturesOrWithoutAnEmbedding_AreCountedNotDropped()
    {
        var traffic = new DriftTraffic(seed: 2);
        await traffic.WriteAsync(_app, Start, TimeSpan.FromHours(1), 60, [1, 1], 100);
        var current = await traffic.WriteAsync(_app, Start.AddHours(1), TimeSpan.FromHours(1), 60, [1, 1], 100);
        var allCurrent = current.Values.SelectMany(ids => ids).ToList();
        await using (var db = _app.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<
                         Core.Storage.LlmObserveDbContext>>().CreateDbContext())
        {
            // 5 current traces lost their feature row (never featured); 7 others have no output embedding.
            foreach (var id in allCurrent.Take(5))
            {
                db.TraceFeatures.Remove(db.TraceFeatures.Single(f => f.TraceId == id));
            }

            foreach (var id in allCurrent.Skip(5).Take(7))
            {
                db.TraceFeatures.Single(f => f.TraceId == id).OutputEmbedding = null;
            }

            await db.SaveChangesAsync();
        }

        var monitor = await CreateAsync(Rolling("missing", 60, 60, 10, "output_embedding", "output_tokens"));

        var result = await RunAsync(monitor.Id, Start.AddHours(2));

        Assert.Equal(60, result.CurrentTraces);
        Assert.Equal(55, result.CurrentFeatured);
        Assert.Equal(5, result.CurrentUnfeatured);
        var embedding = result.Features.Single(f => f.Feature == "output_embedding");
        Assert.Equal(7, embedding.CurrentMissing);
        Assert.Equal(48, embedding.CurrentCount);
        Assert.Equal(0, embedding.ReferenceMissing);
        Assert.Equal(55, result.Features.Single(f => f.Feature == "output_tokens").CurrentCount);
    }

    [Fact]
    public async Task Results_TwoRuns_ComeBackAsATimeSeriesOldestFirst()
    {
        var traffic = new DriftTraffic(seed: 3);
        await traffic.WriteAsync(_app, Start, TimeSpan.FromHours(3), 180, [1, 1, 1], 100);
        var monitor = await CreateAsync(Rolling("series", 60, 60, 10, "output_tokens", "input_language"));

        var first = await RunAsync(monitor.Id, Start.AddHours(2));
        var second = await RunAsync(monitor.Id, Start.AddHours(3));
        var series = await _client.GetFromJsonAsync<List<DriftResultView>>(
            $"api/drift/monitors/{monitor.Id}/results?details=true");
        var badLimit = await _client.GetAsync($"api/drift/monitors/{monitor.Id}/results?limit=0");
        var badAt = await _client.PostAsync($"api/drift/monitors/{monitor.Id}/run?at=tomorrow", null);

        Assert.Equal([first.Id, second.Id], series!.Select(r => r.Id));
        Assert.Equal(Start.AddHours(1), series![0].CurrentFrom);
        Assert.Equal(Start.AddHours(2), series[1].CurrentFrom);
        Assert.All(series, r => Assert.Equal(2, r.FeaturesWithVerdict));
        Assert.NotNull(series[1].Features.Single(f => f.Feature == "output_tokens").Distribution);
        Assert.Equal(["en"], series[1].Features.Single(f => f.Feature == "input_language").Distribution!.Categories);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAt.StatusCode);
        Assert.Contains("'at' must be an ISO-8601", await badAt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_NewMonitor_RunsOnTheScheduleWithoutAsking()
    {
        var monitor = await CreateAsync(new
        {
            name = "scheduled",
            features = new[] { new { feature = "latency_ms" } },
            referenceMinutes = 60,
            currentMinutes = 60,
            intervalMinutes = 60,
        });

        List<DriftResultView>? results = null;
        await Poll.UntilAsync(
            async () => (results = await _client.GetFromJsonAsync<List<DriftResultView>>(
                $"api/drift/monitors/{monitor.Id}/results"))!.Count > 0,
            "the job to run the new monitor",
            TimeSpan.FromSeconds(30));

        Assert.Equal("schedule", results![0].Trigger);
        var read = await _client.GetFromJsonAsync<DriftMonitorView>($"api/drift/monitors/{monitor.Id}");
        Assert.True(read!.NextRunAt > results[0].RunAt.AddMinutes(59), $"next run {read.NextRunAt}");
    }

    private static object Rolling(
        string name,
        int referenceMinutes,
        int currentMinutes,
        int minimum,
        params string[] features)
        => new
        {
            name,
            features = features.Select(f => new { feature = f }).ToArray(),
            referenceMinutes,
            currentMinutes,
            minimumSampleSize = minimum,
            intervalMinutes = 60,

            // Off, so that the job (polling every 0.2 s here) starts no run of its own; Run now works either way.
            enabled = false,
        };

    private async Task<DriftMonitorView> CreateAsync(object body)
    {
        var response = await _client.PostAsJsonAsync("api/drift/monitors", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DriftMonitorView>())!;
    }

    private async Task<DriftResultView> RunAsync(string monitorId, DateTimeOffset at)
    {
        var response = await _client.PostAsync(
            $"api/drift/monitors/{monitorId}/run?at={Uri.EscapeDataString(at.ToString("O"))}",
            null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DriftResultView>())!;
    }
}
