using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>The overview in Chromium: its charts redraw in place when new traffic arrives.</summary>
public sealed class OverviewBrowserTests : IAsyncLifetime
{
    // Sum of every y value the requests chart currently plots, read from Plotly's own data on the chart element.
    private const string PlottedRequests = """
        () => {
            const chart = document.getElementById('chart-requests');
            if (!chart || !chart.data) { return -1; }
            return chart.data.reduce((sum, trace) => sum + trace.y.reduce((s, v) => s + (v || 0), 0), 0);
        }
        """;

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
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
    public async Task Overview_TrafficArrivesWhileOpen_ChartsRedrawWithoutReload()
    {
        await IngestAsync(2, "production");
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "overview?range=1h").ToString());
        await Assertions.Expect(page.GetByTestId("overview-caption")).ToContainTextAsync("Berlin");
        await WaitForPlottedAsync(page, 2);
        await page.EvaluateAsync("window.__sameDocument = true");

        var before = await page.EvaluateAsync<double>(PlottedRequests);
        await IngestAsync(3, "staging");

        var after = await WaitForPlottedAsync(page, 5);
        Assert.Equal(2, before);
        Assert.Equal(5, after);
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));
        await Assertions.Expect(page.GetByTestId("kpi-requests-value")).ToHaveTextAsync("5");
        await Assertions.Expect(page.GetByTestId("chart-error-rate")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("top-users")).ToContainTextAsync("user-a");
    }

    [Fact]
    public async Task Overview_BadRangeInUrl_ShowsTheMessageBesideTheField()
    {
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "overview?range=2w").ToString());

        await Assertions.Expect(page.GetByText("'range' must be one of")).ToBeVisibleAsync();
    }

    private static async Task<double> WaitForPlottedAsync(IPage page, double expected)
    {
        var plotted = -1.0;
        await Poll.UntilAsync(
            async () => (plotted = await page.EvaluateAsync<double>(PlottedRequests)) == expected,
            $"the requests chart to plot {expected}");
        return plotted;
    }

    private async Task IngestAsync(int traces, string environment)
    {
        var body = new
        {
            traces = Enumerable.Range(0, traces).Select(i => new
            {
                name = "support-chat",
                environment,
                userId = "user-a",
                startTime = DateTimeOffset.UtcNow.AddSeconds(-30 + i),
                spans = new[]
                {
                    new
                    {
                        name = "chat gpt-4o-mini",
                        type = "generation",
                        model = "gpt-4o-mini",
                        usage = new { input = 42, output = 11 },
                        cost = 0.001,
                    },
                },
            }),
        };

        using var response = await _client.PostAsJsonAsync("api/ingest", body);
        response.EnsureSuccessStatusCode();
    }
}
