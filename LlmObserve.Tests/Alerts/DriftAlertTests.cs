using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Alerts;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Drift.Monitors;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// Rules on a drift monitor's own results: generated traffic whose answers double in length, a monitor run through
/// the API, and rules evaluated by the real job (every second here) notifying a webhook receiver on 127.0.0.1; and
/// the checks on the rule's monitor and feature.
/// </summary>
public sealed class DriftAlertTests : IAsyncLifetime
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
    public async Task DriftRules_FireOnceFromTheMonitorsRun_WebhookGetsTheNoticeWithADriftLink()
    {
        var now = DateTimeOffset.UtcNow;
        var traffic = new DriftTraffic(seed: 31);
        await traffic.WriteAsync(_app.App, now.AddMinutes(-120), TimeSpan.FromMinutes(58), 200, [1, 1], 100);
        await traffic.WriteAsync(_app.App, now.AddMinutes(-59), TimeSpan.FromMinutes(58), 200, [1, 1], 200);
        var monitor = await CreateMonitorAsync("answer length", "output_tokens", "input_tokens");
        var channel = await _app.CreateWebhookAsync(_receiver.Hook);
        var scoreRule = await _app.CreateRuleAsync(new
        {
            name = "answers drift",
            metric = "drift_score",
            driftMonitorId = monitor,
            windowMinutes = 10,
            direction = "above",
            warningThreshold = 0.95,
            minSamples = 1,
            cooldownMinutes = 60,
            channelIds = new[] { channel },
        });
        var countRule = await _app.CreateRuleAsync(new
        {
            name = "output tokens drifted",
            metric = "drifted_features",
            driftMonitorId = monitor,
            driftFeature = "output_tokens",
            windowMinutes = 10,
            direction = "above",
            criticalThreshold = 0.5,
            minSamples = 1,
            cooldownMinutes = 60,
            channelIds = new[] { channel },
        });

        // Before the monitor has run, the rules have no results to read: no samples, nothing fires.
        await _app.EvaluationsAsync(scoreRule, 2);
        Assert.Empty(_receiver.Received);
        Assert.Equal(0, (await _app.RuleAsync(scoreRule)).GetProperty("lastSamples").GetInt64());

        var run = await RunAsync(monitor);
        await Poll.UntilAsync(
            () => Task.FromResult(_receiver.Received.Count >= 2),
            "a notice from each drift rule",
            AlertTestApp.Wait);

        var byRule = _receiver.Received.ToDictionary(n => n.GetProperty("rule").GetProperty("name").GetString()!);
        var score = byRule["answers drift"];
        var expected = run.Features.Where(f => f.Score is not null)
            .Max(f => DriftMetricSource.Strength(f.ScoreKind, f.Score!.Value));
        Assert.True(run.Features.Single(f => f.Feature == "output_tokens").Drifted, "the doubled answers drift");
        Assert.Equal("drift_score", score.GetProperty("rule").GetProperty("metric").GetString());
        Assert.Equal(scoreRule, score.GetProperty("rule").GetProperty("id").GetInt64());
        Assert.Equal("warning", score.GetProperty("level").GetString());
        Assert.Equal("firing", score.GetProperty("status").GetString());
        Assert.Equal(expected, score.GetProperty("value").GetDouble(), 9);
        Assert.True(expected > 0.95, $"strength {expected}");
        Assert.Equal(0.95, score.GetProperty("threshold").GetDouble());
        Assert.Equal("above", score.GetProperty("direction").GetString());
        Assert.Equal(run.Features.Count(f => f.Score is not null), score.GetProperty("samples").GetInt64());
        Assert.Equal(10, score.GetProperty("window").GetProperty("minutes").GetDouble());
        Assert.False(score.GetProperty("test").GetBoolean());
        Assert.Equal("drift?monitor=" + monitor, score.GetProperty("link").GetString());

        var count = byRule["output tokens drifted"];
        Assert.Equal("drifted_features", count.GetProperty("rule").GetProperty("metric").GetString());
        Assert.Equal("critical", count.GetProperty("level").GetString());
        Assert.Equal(1, count.GetProperty("value").GetDouble());
        Assert.Equal(1, count.GetProperty("samples").GetInt64());

        // The results keep holding within the window: each rule has fired once, and its event links to the monitor.
        await _app.EvaluationsAsync(scoreRule, 3);
        Assert.Equal(2, _receiver.Received.Count);
        var events = await _app.EventsAsync(scoreRule);
        Assert.Equal("drift?monitor=" + monitor, Assert.Single(events).GetProperty("link").GetString());
        Assert.Single(await _app.EventsAsync(countRule));

        // The link opens the Drift page with the monitor selected, for a person signed in.
        using var person = await _app.App.CreateSignedInClientAsync();
        using var page = await person.GetAsync(score.GetProperty("link").GetString());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("answer length", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadDriftRules => new()
    {
        { """{"metric":"drift_score"}""", "driftMonitorId", "'driftMonitorId' is required for drift_score" },
        { """{"metric":"drifted_features","driftMonitorId":"nope"}""", "driftMonitorId",
            "No drift monitor with id 'nope' in this project." },
        { """{"metric":"latency_p95","driftMonitorId":"{monitor}"}""", "driftMonitorId",
            "'driftMonitorId' applies to drift metrics only, not to latency_p95." },
        { """{"metric":"error_rate","driftFeature":"output_tokens"}""", "driftFeature",
            "'driftFeature' applies to drift metrics only, not to error_rate." },
        { """{"metric":"drift_score","driftMonitorId":"{monitor}","driftFeature":"tone"}""", "driftFeature",
            "The monitor does not compare 'tone'; it compares output_tokens." },
        { """{"metric":"drift_score","driftMonitorId":"{monitor}","environment":"prod"}""", "environment",
            "'environment' does not apply to drift_score" },
        { """{"metric":"drift_score","driftMonitorId":"{other}"}""", "driftMonitorId",
            "No drift monitor with id '{other}' in this project." },
    };

    [Theory]
    [MemberData(nameof(BadDriftRules))]
    public async Task DriftRule_BadMonitorOrFeature_Is400NamingTheField(string fields, string field, string message)
    {
        var monitor = await CreateMonitorAsync("lengths", "output_tokens");
        var other = await OtherProjectsMonitorAsync();
        var body = """{"name":"r","windowMinutes":5,"direction":"above","warningThreshold":0.5,"""
            + fields[1..].Replace("{monitor}", monitor, StringComparison.Ordinal)
                .Replace("{other}", other, StringComparison.Ordinal);

        using var response = await _app.Client.PostAsync(
            "api/alerts/rules",
            new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.ToString());
        Assert.StartsWith(
            message.Replace("{other}", other, StringComparison.Ordinal),
            reasons[0].GetString(),
            StringComparison.Ordinal);
        Assert.Empty(await _app.Client.GetFromJsonAsync<JsonElement[]>("api/alerts/rules") ?? []);
    }

    [Fact]
    public async Task DriftRule_MonitorAndFeature_ReadBackAndClearWhenTheMetricChanges()
    {
        var monitor = await CreateMonitorAsync("lengths", "output_tokens", "input_tokens");

        var id = await _app.CreateRuleAsync(new
        {
            name = "r",
            metric = "drift_score",
            driftMonitorId = monitor,
            driftFeature = "input_tokens",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 0.5,
        });
        var saved = await _app.RuleAsync(id);
        using var changed = await _app.Client.PutAsJsonAsync($"api/alerts/rules/{id}", new
        {
            name = "r",
            metric = "latency_p95",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 500,
        });
        var read = await _app.RuleAsync(id);

        Assert.Equal(monitor, saved.GetProperty("driftMonitorId").GetString());
        Assert.Equal("input_tokens", saved.GetProperty("driftFeature").GetString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("driftMonitorId").ValueKind);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("driftFeature").ValueKind);
    }

    private async Task<string> CreateMonitorAsync(string name, params string[] features)
    {
        using var response = await _app.Client.PostAsJsonAsync("api/drift/monitors", new
        {
            name,
            features = features.Select(f => new { feature = f }).ToArray(),
            referenceMinutes = 60,
            currentMinutes = 60,
            minimumSampleSize = 30,
            intervalMinutes = 60,

            // Off, so that the drift job starts no run of its own; the test runs it when it wants.
            enabled = false,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DriftMonitorView>())!.Id;
    }

    private async Task<DriftResultView> RunAsync(string monitorId)
    {
        using var response = await _app.Client.PostAsync($"api/drift/monitors/{monitorId}/run", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<DriftResultView>())!;
    }

    /// <summary>A monitor stored for a second project, which this project's rules must not reach.</summary>
    private async Task<string> OtherProjectsMonitorAsync()
    {
        var project = await new TraceStore(_app.App).AddProjectAsync("other");
        var factory = _app.App.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var monitor = new DriftMonitor
        {
            Id = "other-" + Guid.NewGuid().ToString("N")[..8],
            ProjectId = project,
            Name = "elsewhere",
            FeaturesJson = """[{"feature":"output_tokens","test":"auto"}]""",
            ReferenceKind = DriftReferenceKinds.Rolling,
            ReferenceMinutes = 60,
            CurrentMinutes = 60,
            Enabled = false,
        };
        db.DriftMonitors.Add(monitor);
        await db.SaveChangesAsync();
        return monitor.Id;
    }
}
