using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Tests.Drift.Monitors;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// The Drift page in Chromium: its charts draw from a stored run, "Run now" adds a run in place, a run started
/// elsewhere (the API) reaches the open page without a reload, and a bad monitor is refused beside its field.
/// </summary>
public sealed class DriftBrowserTests : IAsyncLifetime
{
    // The number of traces Plotly holds in a chart, read from the chart element itself.
    private const string PlottedTraces = """
        id => {
            const chart = document.getElementById(id);
            return chart && chart.data ? chart.data.length : 0;
        }
        """;

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        // The schedule is off so that only the test starts runs.
        _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Drift:Monitors:Enabled"] = "false",
        });
        _browser = await BrowserSession.StartAsync(_app);
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task DriftPage_ShowsTheChartsOfARun_AndUpdatesInPlaceWhenMonitorsRun()
    {
        var now = DateTimeOffset.UtcNow;
        var traffic = new DriftTraffic(seed: 5);
        await traffic.WriteAsync(_app, now.AddHours(-3), TimeSpan.FromHours(2), 300, [1, 1, 1, 0], 100);
        await traffic.WriteAsync(_app, now.AddHours(-1), TimeSpan.FromMinutes(59), 150, [1, 1, 1, 1.5], 150);
        var created = await _client.PostAsJsonAsync("api/drift/monitors", new
        {
            name = "support questions",
            features = new object[]
            {
                new { feature = "input_embedding" },
                new { feature = "input_topics" },
                new { feature = "output_tokens" },
            },
            referenceMinutes = 120,
            currentMinutes = 60,
            minimumSampleSize = 10,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var monitor = (await created.Content.ReadFromJsonAsync<DriftMonitorView>())!;
        Assert.Equal(HttpStatusCode.OK, (await RunAsync(monitor.Id)).StatusCode);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, $"drift?monitor={monitor.Id}").ToString());
        await Assertions.Expect(page.GetByTestId("drift-caption"))
            .ToContainTextAsync("Berlin", new() { Timeout = 20_000 });
        var latest = page.GetByTestId("drift-latest");
        await Assertions.Expect(latest).ToHaveAttributeAsync("data-runs", "1");
        await Assertions.Expect(page.GetByTestId("drift-latest-drifted")).ToContainTextAsync(" of 3");
        await WaitForTracesAsync(page, "chart-drift-score-0", 2);
        await WaitForTracesAsync(page, "chart-drift-projection", 2);
        await WaitForTracesAsync(page, "chart-drift-topics", 1);
        await WaitForTracesAsync(page, "chart-drift-distribution-0", 2);
        await Assertions.Expect(page.GetByTestId("drift-topic-change")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("drift-topic-example").First).ToHaveAttributeAsync(
            "href",
            new System.Text.RegularExpressions.Regex("^traces/[0-9a-f]{32}$"));
        await page.EvaluateAsync("window.__sameDocument = true");

        await page.GetByTestId("drift-run").ClickAsync();
        await Assertions.Expect(latest).ToHaveAttributeAsync("data-runs", "2");

        Assert.Equal(HttpStatusCode.OK, (await RunAsync(monitor.Id)).StatusCode);
        await Assertions.Expect(latest).ToHaveAttributeAsync("data-runs", "3", new() { Timeout = 15_000 });
        // The run count is text; the chart redraws through JS interop just after it, so wait for its third point.
        await page.WaitForFunctionAsync(
            "() => document.getElementById('chart-drift-score-0').data[0].y.filter(v => v !== null).length === 3",
            null,
            new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));
    }

    [Fact]
    public async Task DriftForm_UnknownFeatureAndEmptyWindow_RefusedBesideTheFields()
    {
        var lastHour = DateTimeOffset.UtcNow.AddHours(-1);
        await new DriftTraffic(seed: 6).WriteAsync(_app, lastHour, TimeSpan.FromHours(1), 5, [1], 50);
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "drift").ToString());
        await Assertions.Expect(page.GetByTestId("drift-caption"))
            .ToContainTextAsync("Berlin", new() { Timeout = 20_000 });

        await page.GetByTestId("drift-new").ClickAsync();
        await page.Locator("input[data-testid=drift-form-name]").FillAsync("bad windows");
        await page.Locator("input[data-testid=drift-form-features]").FillAsync("input_embedding, mood");
        await page.Locator("input[data-testid=drift-form-current-minutes]").FillAsync("0");
        await page.GetByTestId("drift-form-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("drift-form")).ToContainTextAsync(
            "Unknown feature 'mood'",
            new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("drift-form")).ToContainTextAsync("The current window is empty");
        await Assertions.Expect(page.GetByTestId("drift-monitor")).ToHaveCountAsync(0);
    }

    private Task<HttpResponseMessage> RunAsync(string monitorId)
        => _client.PostAsync($"api/drift/monitors/{monitorId}/run", null);

    private static async Task WaitForTracesAsync(IPage page, string chartId, int atLeast)
        => await page.WaitForFunctionAsync(
            $"() => ({PlottedTraces})('{chartId}') >= {atLeast}",
            null,
            new PageWaitForFunctionOptions { Timeout = 20_000 });
}
