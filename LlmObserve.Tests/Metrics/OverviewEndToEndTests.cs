using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Overview;

namespace LlmObserve.Tests.Metrics;

/// <summary>
/// Traffic from the official OpenTelemetry SDK reads back with the same totals from the trace API, the dashboard's
/// data service, <c>GET /api/metrics/overview</c> and <c>GET /metrics</c>.
/// </summary>
public sealed partial class OverviewEndToEndTests : IAsyncLifetime
{
    internal const int Traces = 12;

    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Overview_TrafficOverOtlp_SameTotalsFromApiDashboardAndMetrics()
    {
        SendTraffic(_app);

        // Rollups follow the commit within about a second; wait for them, bounded.
        var overview = await WaitForOverviewAsync(_client, Traces);
        var traces = await ListTracesAsync();
        var projectId = await _app.GetRequiredService<TraceQueries>().FirstProjectIdAsync(default);
        var model = _app.GetRequiredService<OverviewViewModel>();
        await model.LoadAsync(
            projectId!,
            new OverviewRange(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1), null),
            OverviewSplit.Model,
            TimeZoneInfo.Utc,
            default);
        var metrics = Samples(await _client.GetStringAsync("metrics"));

        var apiCost = traces.Sum(t => (decimal)(t.GetProperty("cost").ValueKind == JsonValueKind.Number
            ? t.GetProperty("cost").GetDouble() : 0));
        var apiTokens = traces.Sum(t => t.GetProperty("tokens").GetProperty("total").GetInt64());
        var apiErrors = traces.Count(t => t.GetProperty("status").GetString() == "error");
        var total = overview.GetProperty("timeline").GetProperty("total").GetProperty("total");
        var dashboard = model.Timeline!.Total.Total;

        Assert.Equal(Traces, traces.Count);
        Assert.Equal(3, apiErrors);
        Assert.Equal(0.08m, apiCost);
        Assert.Equal((Traces, apiErrors, apiTokens, apiCost),
            (dashboard.Requests, (int)dashboard.Errors, dashboard.TotalTokens, dashboard.CostUsd));
        Assert.Equal((Traces, apiErrors, apiCost),
            (total.GetProperty("requests").GetInt32(), total.GetProperty("errors").GetInt32(),
                total.GetProperty("costUsd").GetDecimal()));
        Assert.Equal(Traces, Sum(metrics, "llmobserve_traces"));
        Assert.Equal(apiErrors, Sum(metrics, "llmobserve_trace_errors"));
        Assert.Equal(Traces, Sum(metrics, "llmobserve_traces_within_seconds", "le=\"+Inf\""));
        Assert.Equal((double)apiCost, Sum(metrics, "llmobserve_cost_usd"), precision: 9);
        Assert.Equal(Traces * 150, Sum(metrics, "llmobserve_tokens", "kind=\"input\""));

        // The unknown model's calls are unpriced, not $0, everywhere: no cost sample, no cost line, null in the API.
        Assert.Equal(["new-model-x"], model.Timeline.UnpricedModels);
        Assert.Equal(4, Sum(metrics, "llmobserve_unpriced_calls", "model=\"new-model-x\""));
        Assert.DoesNotContain(metrics, s => s.Name == "llmobserve_cost_usd" && s.Labels.Contains("new-model-x"));
        Assert.Contains(metrics, s => s.Name == "llmobserve_cost_usd" && s.Labels.Contains("gpt-4o"));
        Assert.Equal(["gpt-4o"], model.Charts.Single(c => c.Id == "cost").Lines.Select(l => l.Name));
        var apiUnpriced = overview.GetProperty("timeline").GetProperty("byModel").EnumerateArray()
            .Single(m => m.GetProperty("key").GetString() == "new-model-x");
        Assert.Equal(JsonValueKind.Null, apiUnpriced.GetProperty("total").GetProperty("costUsd").ValueKind);
        Assert.All(
            apiUnpriced.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("modelCalls").GetInt32() > 0),
            p => Assert.Equal(JsonValueKind.Null, p.GetProperty("costUsd").ValueKind));
        Assert.Equal(4, dashboard.UnpricedCalls);
    }

    [Fact]
    public async Task Metrics_GrafanaDashboard_QueriesOnlySeriesTheEndpointServes()
    {
        SendTraffic(_app);
        await WaitForOverviewAsync(_client, Traces);

        var served = Samples(await _client.GetStringAsync("metrics"))
            .Select(s => s.Name)
            .Select(n => Regex.Replace(n, "_(bucket|sum|count)$", string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        var dashboard = await File.ReadAllTextAsync(
            Path.Combine(RepoPaths.Root, "deploy", "grafana", "llmobserve-dashboard.json"));
        var queried = MetricName().Matches(dashboard)
            .Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", string.Empty))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        Assert.Empty(queried.Except(served));
    }

    [Fact]
    public async Task Metrics_WithoutKey_Unauthorized()
    {
        using var anonymous = _app.CreateClient(authenticated: false);

        var response = await anonymous.GetAsync("metrics");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OverviewApi_BadRange_ProblemNamesTheParameter()
    {
        var response = await _client.GetAsync("api/metrics/overview?range=2w&from=yesterday");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'from' must be an ISO 8601 time", body, StringComparison.Ordinal);
        Assert.Contains("'range' cannot be combined", body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Twelve traces: production and staging, each a root with one generation of 150 input and 50 output tokens;
    /// gpt-4o calls report $0.01 each (8 of them), the others call a model with no price and report none;
    /// every fourth trace fails.
    /// </summary>
    internal static DateTimeOffset SendTraffic(RunningApp app)
    {
        using var otel = new DotNetOtelClient(
            app.BaseAddress,
            RunningApp.SecretKey,
            [new("service.name", "overview-test")]);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < Traces; i++)
        {
            var start = t0.AddSeconds(i * 10);
            var unpriced = i % 3 == 2;
            using var root = otel.Start("answer", tags:
            [
                new("deployment.environment.name", i % 2 == 0 ? "production" : "staging"),
                new("user.id", "user-" + (i % 3).ToString(CultureInfo.InvariantCulture)),
            ], startTime: start);
            using (var chat = otel.Start(
                "chat",
                root.Context,
                ActivityKind.Client,
                [
                    new("gen_ai.operation.name", "chat"),
                    new("gen_ai.provider.name", "openai"),
                    new("gen_ai.request.model", unpriced ? "new-model-x" : "gpt-4o"),
                    new("gen_ai.usage.input_tokens", 150L),
                    new("gen_ai.usage.output_tokens", 50L),
                    new("gen_ai.usage.cost", unpriced ? null : 0.01),
                ],
                start.AddMilliseconds(10)))
            {
                if (i % 4 == 0)
                {
                    chat.SetStatus(ActivityStatusCode.Error, "upstream timeout");
                }

                chat.SetEndTime(start.AddMilliseconds(200 + (i * 100)).UtcDateTime);
            }

            root.SetEndTime(start.AddMilliseconds(300 + (i * 100)).UtcDateTime);
        }

        Assert.True(otel.Flush());
        return t0;
    }

    internal static async Task<JsonElement> WaitForOverviewAsync(HttpClient client, int requests)
    {
        var overview = default(JsonElement);
        await Poll.UntilAsync(
            async () =>
            {
                overview = await client.GetFromJsonAsync<JsonElement>("api/metrics/overview?range=1h");
                return overview.GetProperty("timeline").GetProperty("total").GetProperty("total")
                    .GetProperty("requests").GetInt32() >= requests;
            },
            $"the overview to count {requests} requests");
        return overview;
    }

    private async Task<List<JsonElement>> ListTracesAsync()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>("api/traces?limit=500&range=1h");
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    internal static List<(string Name, string Labels, double Value)> Samples(string text)
        => [
            .. text.Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => SampleLine().Match(line))
                .Where(m => m.Success)
                .Select(m => (m.Groups[1].Value, m.Groups[2].Value,
                    double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))),
        ];

    internal static double Sum(IEnumerable<(string Name, string Labels, double Value)> samples, string name,
        string? labelFilter = null)
        => samples.Where(s => s.Name == name && (labelFilter is null || s.Labels.Contains(labelFilter,
            StringComparison.Ordinal))).Sum(s => s.Value);

    [GeneratedRegex("""^([a-z_]+)\{(.*)\} (\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("llmobserve_[a-z_]+")]
    private static partial Regex MetricName();
}
