using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObserve.Tests.Infrastructure;
using static LlmObserve.Tests.Metrics.OverviewEndToEndTests;

namespace LlmObserve.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> stays true to the type it declares when traces are corrected, and
/// <c>GET /api/metrics/overview</c> counts exactly its range, filters and names what it cannot read.
/// </summary>
public sealed partial class OverviewApiTests : IAsyncLifetime
{
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
    public async Task Metrics_RootArrivesAfterChild_GaugesEqualTheCorrectedTotals()
    {
        var trace = "5a1e" + new string('0', 24) + "0001";
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await PostOtlpAsync("env-a", Span(trace, "00000000000000c1", "00000000000000a1", start, 10, usage: true));
        var first = await ScrapeWhenAsync(s => Value(s, "llmobserve_traces", "env-a") == 1);

        await PostOtlpAsync("env-b", Span(trace, "00000000000000a1", null, start, 30_000, usage: false));
        var second = await ScrapeWhenAsync(s => Value(s, "llmobserve_traces", "env-b") == 1);

        // Before the root: one 10 ms trace in env-a. After: one 30 s failed trace in env-b, and env-a back to 0.
        Assert.Equal(1, Value(first.Samples, "llmobserve_traces_within_seconds", "env-a", "le=\"0.025\""));
        Assert.Equal(0, Value(second.Samples, "llmobserve_traces", "env-a"));
        Assert.Equal(0, Value(second.Samples, "llmobserve_traces_within_seconds", "env-a", "le=\"0.025\""));
        Assert.Equal(0, Value(second.Samples, "llmobserve_traces_within_seconds", "env-b", "le=\"25\""));
        Assert.Equal(1, Value(second.Samples, "llmobserve_traces_within_seconds", "env-b", "le=\"50\""));
        Assert.Equal(1, Value(second.Samples, "llmobserve_trace_errors", "env-b"));
        Assert.Equal(30, Value(second.Samples, "llmobserve_trace_seconds", "env-b"), precision: 3);
        Assert.Equal(1, Value(second.Samples, "llmobserve_requests", "env-b", "model=\"gpt-4o\""));

        // A value fell, so no family may call itself a counter; and the text is well formed.
        Assert.Contains(first.Samples, s => s.Labels.Contains("env-a") && s.Value > 0
            && second.Samples.Any(t => t.Name == s.Name && t.Labels == s.Labels && t.Value < s.Value));
        AssertWellFormedGauges(first.Text);
        AssertWellFormedGauges(second.Text);
    }

    [Fact]
    public async Task Metrics_PricedCallMovesToAnotherEnvironment_CostSeriesStaysAtZero()
    {
        var trace = "5a1e" + new string('0', 24) + "0003";
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await PostOtlpAsync("env-c", Span(trace, "00000000000000c3", "00000000000000a3", start, 10, usage: true));
        var first = await ScrapeWhenAsync(s => Value(s, "llmobserve_traces", "env-c") == 1);

        await PostOtlpAsync("env-d", Span(trace, "00000000000000a3", null, start, 500, usage: false));
        var second = await ScrapeWhenAsync(s => Value(s, "llmobserve_traces", "env-d") == 1);

        // The priced gpt-4o call left env-c: its cost series stays, at 0, as its request series does.
        const string gpt4o = "model=\"gpt-4o\"";
        Assert.True(Value(first.Samples, "llmobserve_cost_usd", "env-c", gpt4o) > 0);
        Assert.Contains(second.Samples, s => s.Name == "llmobserve_requests" && Has(s, "env-c", gpt4o));
        Assert.Contains(second.Samples, s => s.Name == "llmobserve_cost_usd" && Has(s, "env-c", gpt4o));
        Assert.Equal(0, Value(second.Samples, "llmobserve_cost_usd", "env-c", gpt4o));
        Assert.True(Value(second.Samples, "llmobserve_cost_usd", "env-d", gpt4o) > 0);

        // No series of the first scrape is missing from the second.
        var later = second.Samples.Select(s => (s.Name, s.Labels)).ToHashSet();
        Assert.All(first.Samples, s => Assert.Contains((s.Name, s.Labels), later));

        static bool Has((string Name, string Labels, double Value) sample, string environment, string label)
            => sample.Labels.Contains($"environment=\"{environment}\"", StringComparison.Ordinal)
                && sample.Labels.Contains(label, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CallsWithoutModelOrEnvironment_LabelledNoneAndNotListedToPrice()
    {
        var trace = "5a1e" + new string('0', 24) + "0002";
        var start = DateTimeOffset.UtcNow.AddMinutes(-2);
        await PostOtlpAsync(
            null,
            Span(trace, "00000000000000c2", null, start, 50, usage: true, model: null));

        var metrics = await ScrapeWhenAsync(s => s.Any(x => x.Name == "llmobserve_unpriced_calls"));
        var overview = await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?range=1h");
        var timeline = overview.GetProperty("timeline");

        Assert.Equal(1, Value(metrics.Samples, "llmobserve_unpriced_calls", "(none)", "model=\"(none)\""));
        Assert.Contains(metrics.Samples, s => s.Name == "llmobserve_traces" && s.Labels.Contains(
            "environment=\"(none)\"", StringComparison.Ordinal));
        Assert.Equal(["(none)"], timeline.GetProperty("byEnvironment").EnumerateArray()
            .Select(e => e.GetProperty("key").GetString()));
        Assert.Equal(["(none)"], timeline.GetProperty("byModel").EnumerateArray()
            .Select(e => e.GetProperty("key").GetString()));
        Assert.Empty(timeline.GetProperty("unpricedModels").EnumerateArray());
        Assert.Equal(1, timeline.GetProperty("unnamedUnpricedCalls").GetInt32());
    }

    // Traces start every 10 s from t0 to t0 + 110 s; t0 falls anywhere in its minute, and an edge rounds up to the next
    // minute by up to 59 s. Ends of 95 s or less therefore always cut at least one trace off and keep at least one.
    [Theory]
    [InlineData(25, 95)]
    [InlineData(-10 * 24 * 3600 + 17, 50)]
    [InlineData(-3 * 24 * 3600 - 1, 45)]
    public async Task OverviewApi_RaggedRange_TotalsEqualTheTraceCount(int fromSeconds, int toSeconds)
    {
        var t0 = SendTraffic(_app);
        await WaitForOverviewAsync(_client, OverviewEndToEndTests.Traces);

        var from = Iso(t0.AddSeconds(fromSeconds));
        var to = Iso(t0.AddSeconds(toSeconds));
        var (requests, leaders, resolvedFrom, resolvedTo) = await OverviewAsync($"from={from}&to={to}");
        var count = await CountAsync(resolvedFrom, resolvedTo);

        Assert.Equal(OverviewMinute(t0.AddSeconds(fromSeconds)), resolvedFrom);
        Assert.InRange(count, 1, OverviewEndToEndTests.Traces - 1);
        Assert.Equal(count, requests);
        Assert.Equal(await CountAsync(resolvedFrom, resolvedTo, "&minCost=0.000001"), leaders);
    }

    [Theory]
    [InlineData("1h")]
    [InlineData("7d")]
    [InlineData("90d")]
    public async Task OverviewApi_Preset_TotalsEqualTheTraceCountOfItsResolvedRange(string preset)
    {
        SendTraffic(_app);
        await WaitForOverviewAsync(_client, OverviewEndToEndTests.Traces);

        var (requests, _, from, to) = await OverviewAsync("range=" + preset);

        Assert.Equal(0, from.Second);
        Assert.Equal(await CountAsync(from, to), requests);
        Assert.Equal(OverviewEndToEndTests.Traces, requests);
    }

    [Fact]
    public async Task OverviewApi_EnvironmentAndModelFilters_KeepOnlyThatTraffic()
    {
        SendTraffic(_app);
        await WaitForOverviewAsync(_client, OverviewEndToEndTests.Traces);

        var staging = await TotalAsync("range=1h&environment=staging");
        var gpt4o = await TotalAsync("range=1h&model=gpt-4o");
        var both = await TotalAsync("range=1h&model=new-model-x&environment=production");
        var none = await TotalAsync("range=1h&model=(none)");

        // Traces alternate production/staging; every third calls new-model-x (unpriced), the rest gpt-4o at $0.01.
        Assert.Equal(6, staging.GetProperty("requests").GetInt32());
        Assert.Equal((8, 0.08m), (gpt4o.GetProperty("requests").GetInt32(), gpt4o.GetProperty("costUsd").GetDecimal()));
        Assert.Equal(2, both.GetProperty("requests").GetInt32());
        Assert.Equal(JsonValueKind.Null, both.GetProperty("costUsd").ValueKind);
        Assert.Equal(0, none.GetProperty("requests").GetInt32());
    }

    [Theory]
    [InlineData("range=1h&split=banana", "split")]
    [InlineData("range=1h&stage=production", "stage")]
    [InlineData("range=1h&Model=gpt-4o", "Model")]
    public async Task OverviewApi_UnknownParameterOrSplit_BadRequestNamingIt(string query, string parameter)
    {
        var response = await _client.GetAsync("api/metrics/overview?" + query);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task OverviewApi_SplitByModel_KeepsOnlyThatBreakdown()
    {
        SendTraffic(_app);
        await WaitForOverviewAsync(_client, OverviewEndToEndTests.Traces);

        var timeline = (await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?range=1h&split=model"))
            .GetProperty("timeline");

        Assert.Empty(timeline.GetProperty("byEnvironment").EnumerateArray());
        Assert.Equal(2, timeline.GetProperty("byModel").GetArrayLength());
    }

    private static void AssertWellFormedGauges(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Select(l => TypeLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var samples = lines.Where(l => l[0] != '#').ToList();

        Assert.NotEmpty(samples);
        Assert.All(types.Values, type => Assert.Equal("gauge", type));
        Assert.All(types.Keys, name => Assert.DoesNotMatch("_(total|bucket|sum|count)$", name));
        Assert.All(samples, line =>
        {
            var match = StrictSample().Match(line);
            Assert.True(match.Success, line);
            Assert.True(types.ContainsKey(match.Groups[1].Value), line);
            Assert.True(double.TryParse(match.Groups[3].Value, CultureInfo.InvariantCulture, out _), line);
        });
    }

    private static double Value(
        IEnumerable<(string Name, string Labels, double Value)> samples,
        string name,
        string environment,
        string? label = null)
        => Sum(
            samples.Where(s => s.Labels.Contains($"environment=\"{environment}\"", StringComparison.Ordinal)),
            name,
            label);

    private async Task<(string Text, List<(string Name, string Labels, double Value)> Samples)> ScrapeWhenAsync(
        Func<List<(string Name, string Labels, double Value)>, bool> ready)
    {
        var text = string.Empty;
        await Poll.UntilAsync(
            async () =>
            {
                text = await _client.GetStringAsync("metrics");
                return ready(Samples(text));
            },
            "/metrics to show the trace");
        return (text, Samples(text));
    }

    private async Task PostOtlpAsync(string? environment, string span)
    {
        var resource = environment is null
            ? "[]"
            : """[{"key":"deployment.environment.name","value":{"stringValue":""" + Quote(environment) + "}}]";
        var body = $$"""
            {"resourceSpans":[{"resource":{"attributes":{{resource}}},"scopeSpans":[{"spans":[{{span}}]}]}]}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("v1/traces", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Span(
        string trace,
        string span,
        string? parent,
        DateTimeOffset start,
        int milliseconds,
        bool usage,
        string? model = "gpt-4o")
    {
        var startNanos = start.ToUnixTimeMilliseconds() * 1_000_000;
        var endNanos = startNanos + (milliseconds * 1_000_000L);
        var modelAttribute = model is null
            ? string.Empty
            : """{"key":"gen_ai.request.model","value":{"stringValue":""" + Quote(model) + "}},";
        var attributes = usage
            ? """[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},""" + modelAttribute
                + """{"key":"gen_ai.usage.input_tokens","value":{"intValue":"100"}},"""
                + """{"key":"gen_ai.usage.output_tokens","value":{"intValue":"20"}}]"""
            : "[]";
        var status = usage ? "{}" : """{"code":2,"message":"timeout"}""";
        var parentField = parent is null ? string.Empty : ",\"parentSpanId\":" + Quote(parent);
        return "{\"traceId\":" + Quote(trace) + ",\"spanId\":" + Quote(span) + parentField
            + ",\"name\":" + Quote(usage ? "chat" : "answer") + ",\"kind\":1"
            + ",\"startTimeUnixNano\":" + Quote(startNanos.ToString(CultureInfo.InvariantCulture))
            + ",\"endTimeUnixNano\":" + Quote(endNanos.ToString(CultureInfo.InvariantCulture))
            + ",\"attributes\":" + attributes + ",\"status\":" + status + "}";
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    private async Task<(int Requests, int PricedTraces, DateTimeOffset From, DateTimeOffset To)> OverviewAsync(
        string query)
    {
        var overview = await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?" + query);
        var timeline = overview.GetProperty("timeline");
        return (
            timeline.GetProperty("total").GetProperty("total").GetProperty("requests").GetInt32(),
            overview.GetProperty("leaders").GetProperty("traces").GetArrayLength(),
            timeline.GetProperty("from").GetDateTimeOffset(),
            timeline.GetProperty("to").GetDateTimeOffset());
    }

    private async Task<JsonElement> TotalAsync(string query)
        => (await _client.GetFromJsonAsync<JsonElement>("api/metrics/overview?" + query))
            .GetProperty("timeline").GetProperty("total").GetProperty("total");

    private async Task<int> CountAsync(DateTimeOffset from, DateTimeOffset to, string extra = "")
    {
        var count = await _client.GetFromJsonAsync<JsonElement>(
            new Uri($"api/traces/count?from={Iso(from)}&to={Iso(to)}{extra}", UriKind.Relative));
        return count.GetProperty("count").GetInt32();
    }

    private static DateTimeOffset OverviewMinute(DateTimeOffset moment)
    {
        var floor = new DateTimeOffset(moment.UtcTicks - (moment.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return floor == moment ? floor : floor.AddMinutes(1);
    }

    private static string Iso(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^# TYPE ([a-z_]+) ([a-z]+)$")]
    private static partial Regex TypeLine();

    // A sample line: name, {label="value",…} with value escapes \\, \" and \n only, then a number.
    private const string SamplePattern =
        """^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\} (\S+)$""";

    [GeneratedRegex(SamplePattern)]
    private static partial Regex StrictSample();
}
