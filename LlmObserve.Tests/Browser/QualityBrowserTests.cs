using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Scores in Chromium: the trace list's score filter finds the right trace, its page shows the judge's explanation,
/// the Quality page redraws in place when scores arrive, and markup a judge wrote never runs.
/// </summary>
public sealed partial class QualityBrowserTests : IAsyncLifetime
{
    private const string Explanation = "The answer promises a 60-day refund window; the retrieved policy says 30 "
        + "days. Unsupported claim: '60 days'. ";

    // The mean chart of the first score name, read from Plotly's own data on the chart element: the plotted values
    // that are not gaps.
    private const string PlottedMeans = """
        id => {
            const chart = document.getElementById(id);
            if (!chart || !chart.data) { return []; }
            return chart.data.flatMap(trace => trace.y.filter(v => v !== null && v !== undefined));
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

        // Set before any page script runs, so a payload that executes while a page loads is caught too.
        await _browser.Page.Context.AddInitScriptAsync("window.__injected = 0");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task ScoreRange_FiltersTheListToTheTrace_WhosePageShowsTheScoreAndItsExplanation()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var longExplanation = string.Concat(Enumerable.Repeat(Explanation, 6)) + "End of the explanation.";
        await IngestAsync(
            [Trace(1, start, "production"), Trace(2, start.AddSeconds(1), "production"),
                Trace(3, start.AddSeconds(2), "staging")],
            [
                Score(1, "groundedness", 0.2, "hallucinated", longExplanation),
                Score(2, "groundedness", 0.6, "grounded", "Supported."),
                Score(3, "groundedness", 0.9, "grounded", "Supported."),
                Score(3, "relevance", 1.0, null, null),
            ]);
        var page = _browser.Page;
        await OpenAsync(page, "traces");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(3);

        await TypeAsync(page, "scoreName", "groundedness");
        await page.Locator("[data-testid=trace-score-header][data-score-name=groundedness] a").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("sort=score"));
        await Assertions.Expect(page.GetByTestId("trace-row").First).ToHaveAttributeAsync("data-trace-id", TraceId(1));
        Assert.Equal([TraceId(1), TraceId(2), TraceId(3)], await RowIdsAsync(page));
        await TypeAsync(page, "maxScore", "0.3");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("scoreName=groundedness.*maxScore=0.3|"
            + "maxScore=0.3.*scoreName=groundedness"));

        var row = page.GetByTestId("trace-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-trace-id", TraceId(1));
        await Assertions.Expect(row.Locator("[data-testid=trace-score][data-score-name=groundedness]"))
            .ToContainTextAsync("0.2");
        await Assertions.Expect(row.Locator("[data-testid=trace-score][data-score-name=groundedness]"))
            .ToContainTextAsync("hallucinated");

        await row.GetByTestId("trace-name").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/traces/" + TraceId(1) + "$"));
        var score = page.GetByTestId("trace-scores").GetByTestId("score-row");
        await Assertions.Expect(score).ToHaveCountAsync(1);
        await Assertions.Expect(score.GetByTestId("score-name")).ToHaveTextAsync("groundedness");
        await Assertions.Expect(score.GetByTestId("score-value")).ToHaveTextAsync("0.2");
        await Assertions.Expect(score.GetByTestId("score-label")).ToHaveTextAsync("hallucinated");
        await Assertions.Expect(score.GetByTestId("score-source")).ToHaveTextAsync("api");
        var explanation = score.GetByTestId("score-explanation");
        await Assertions.Expect(explanation).ToContainTextAsync("refund window; the retrieved policy says 30 days");
        await Assertions.Expect(explanation).Not.ToContainTextAsync("End of the explanation.");
        await score.GetByTestId("show-all").ClickAsync();
        await Assertions.Expect(explanation).ToHaveTextAsync(longExplanation);
    }

    [Fact]
    public async Task ScoreFilter_ValueThatCannotParse_ShowsTheMessageBesideTheField()
    {
        var page = _browser.Page;

        await OpenAsync(page, "traces?scoreName=groundedness&minScore=low");

        await Assertions.Expect(page.GetByTestId("trace-list-invalid")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("'minScore' must be a number.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task QualityPage_ScoresArriveWhileOpen_ChartsRedrawWithoutReload()
    {
        // Every trace starts at the same instant, so each chart has one bucket to watch.
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        await IngestAsync(
            [Trace(11, start, "production"), Trace(12, start, "production")],
            [
                Score(11, "groundedness", 0.25, "hallucinated", "Unsupported."),
                Score(12, "groundedness", 0.75, "grounded", "Supported."),
            ]);
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "quality?range=1h").ToString());
        await Assertions.Expect(page.GetByTestId("quality-caption")).ToContainTextAsync("Berlin");
        await WaitForPlottedAsync(page, "chart-quality-0-mean", [0.5]);
        await WaitForPlottedAsync(page, "chart-quality-0-rate", [50]);
        await Assertions.Expect(page.GetByTestId("quality-score-count")).ToHaveTextAsync("2");
        await page.EvaluateAsync("window.__sameDocument = true");

        await IngestAsync(
            [Trace(13, start, "production"), Trace(14, start, "production")],
            [
                Score(13, "groundedness", 1.0, "grounded", "Supported."),
                Score(14, "groundedness", 1.0, "grounded", "Supported."),
            ]);

        await WaitForPlottedAsync(page, "chart-quality-0-mean", [0.75]);
        await WaitForPlottedAsync(page, "chart-quality-0-rate", [25]);
        await Assertions.Expect(page.GetByTestId("quality-score-count")).ToHaveTextAsync("4");
        await Assertions.Expect(page.GetByTestId("quality-score-rate")).ToContainTextAsync("25.0 % hallucination rate");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));
    }

    [Fact]
    public async Task QualityPage_FromTypedInTheViewersZone_GoesToTheUrlInUtcAndShowsBack()
    {
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "quality?range=1h").ToString());
        await Assertions.Expect(page.GetByTestId("quality-caption")).ToContainTextAsync("Berlin");

        var from = page.Locator("input[data-testid=quality-from]");
        await from.FillAsync("2026-12-04 10:00");
        await from.PressAsync("Enter");
        await from.BlurAsync();

        // Berlin is an hour ahead of UTC in December.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("quality\\?from=2026-12-04T09%3A00%3A00Z$"));
        await Assertions.Expect(from).ToHaveValueAsync("2026-12-04 10:00");
    }

    [Fact]
    public async Task HostileScoreText_OnListTraceAndQualityPages_StaysInert()
    {
        var payload = HostileTextBrowserTests.Payload;
        var start = DateTimeOffset.UtcNow.AddMinutes(-4);
        await IngestAsync(
            [Trace(21, start, "env " + payload)],
            [Score(21, "judge " + payload, 0.5, "label " + payload, "explanation " + payload)]);
        var page = _browser.Page;

        await OpenAsync(page, "traces");
        await Assertions.Expect(page.GetByTestId("trace-score-header")).ToContainTextAsync("<script>");
        await Assertions.Expect(page.GetByTestId("trace-score")).ToContainTextAsync("label <img");
        await HostileTextBrowserTests.AssertInertAsync(page, "list with score columns");

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + TraceId(21)).ToString());
        var explanation = page.GetByTestId("trace-scores").GetByTestId("score-explanation");
        await Assertions.Expect(explanation).ToContainTextAsync("explanation <img src=x");
        if (await page.GetByTestId("trace-scores").GetByTestId("show-all").CountAsync() > 0)
        {
            await page.GetByTestId("trace-scores").GetByTestId("show-all").ClickAsync();
        }

        await Assertions.Expect(explanation).ToHaveTextAsync("explanation " + payload);
        await HostileTextBrowserTests.AssertInertAsync(page, "trace");

        await page.GotoAsync(new Uri(_app.BaseAddress, "quality?range=1h&split=environment").ToString());
        await Assertions.Expect(page.GetByTestId("quality-score-name")).ToHaveTextAsync("judge " + payload);
        await WaitForPlottedAsync(page, "chart-quality-0-mean", [0.5]);
        await Assertions.Expect(page.Locator("#chart-quality-0-mean .gtitle")).ToContainTextAsync("judge <img");
        await Assertions.Expect(page.Locator("#chart-quality-0-mean .legendtext")).ToContainTextAsync("env <img");
        await HostileTextBrowserTests.AssertInertAsync(page, "quality");
    }

    private static string TraceId(int n) => "9a11" + n.ToString("x28", CultureInfo.InvariantCulture);

    private static object Trace(int n, DateTimeOffset start, string environment) => new
    {
        id = TraceId(n),
        name = "support-chat",
        environment,
        release = "v1",
        startTime = start,
        endTime = start.AddSeconds(2),
        input = "How long is the refund window?",
        output = "You have 60 days to ask for a refund.",
        spans = new[]
        {
            new
            {
                name = "chat gpt-4o", type = "generation", model = "gpt-4o", usage = new { input = 40, output = 12 },
            },
        },
    };

    private static object Score(int n, string name, double? value, string? label, string? explanation)
        => new { traceId = TraceId(n), name, value, label, explanation };

    private static async Task WaitForPlottedAsync(IPage page, string chartId, double[] expected)
    {
        double[] plotted = [];
        await Poll.UntilAsync(
            async () => (plotted = await page.EvaluateAsync<double[]>(PlottedMeans, chartId)).SequenceEqual(expected),
            $"{chartId} to plot {string.Join(", ", expected)}");
        Assert.Equal(expected, plotted);
    }

    private static async Task<List<string>> RowIdsAsync(IPage page)
    {
        var ids = new List<string>();
        foreach (var row in await page.GetByTestId("trace-row").AllAsync())
        {
            ids.Add((await row.GetAttributeAsync("data-trace-id"))!);
        }

        return ids;
    }

    private static async Task TypeAsync(IPage page, string name, string value)
    {
        var field = page.Locator($"input[data-testid=trace-filter-{name}]");
        await field.FillAsync(value);
        await field.PressAsync("Enter");
        await field.BlurAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"{name}={Regex.Escape(value)}"));
    }

    private async Task IngestAsync(object[] traces, object[] scores)
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces, scores });
        response.EnsureSuccessStatusCode();
    }

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());

        // The zone label turns from UTC to the browser's zone once the page is interactive.
        await Assertions.Expect(page.GetByTestId("time-zone-label")).ToContainTextAsync("Berlin");
    }
}
