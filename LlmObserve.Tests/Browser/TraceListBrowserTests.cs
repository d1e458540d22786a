using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>The trace list in Chromium: search and filters find the right trace; the URL reproduces the view.</summary>
public sealed class TraceListBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        var store = new TraceStore(_app);
        var projectId = await store.ProjectIdAsync();

        var refundOk = TraceStore.Trace(projectId, 1, 0);
        refundOk.Environment = "production";
        refundOk.InputText = "What is the refund window?";
        refundOk.UserId = "ada";
        refundOk.Models = "gpt-4o,claude-3-5-sonnet";
        refundOk.TagsJson = """["beta","vip"]""";
        var passwordError = TraceStore.Trace(projectId, 2, 1);
        passwordError.Environment = "staging";
        passwordError.Status = SpanStatus.Error;
        passwordError.InputText = "How do I reset my password?";
        passwordError.UserId = "bob";
        passwordError.Models = "gpt-4o-mini";
        passwordError.TagsJson = """["beta"]""";
        var refundError = TraceStore.Trace(projectId, 3, 2);
        refundError.Environment = "staging";
        refundError.Status = SpanStatus.Error;
        refundError.InputText = "My refund was denied, why?";
        refundError.UserId = "ada";
        refundError.Models = "gpt-4o";
        var root = TraceStore.Span(projectId, refundError.TraceId, 1, null, 0);
        var child = TraceStore.Span(projectId, refundError.TraceId, 2, root.SpanId, 5);
        child.Name = "lookup order";
        await store.AddAsync([refundOk, passwordError, refundError], [root, child]);
        await store.WaitForSearchIndexAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TraceList_SearchAndFilter_FindTheTraceAndTheUrlReproducesTheView()
    {
        var page = _browser.Page;
        await OpenAsync(page, "traces");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(3);

        await FilterAsync(page, "search", "refund");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        await FilterAsync(page, "environment", "staging");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        var url = page.Url;
        var fresh = await page.Context.NewPageAsync();
        await OpenAsync(fresh, url);

        await Assertions.Expect(page.GetByTestId("trace-row").First)
            .ToHaveAttributeAsync("data-trace-id", TraceStore.TraceId(3));
        await Assertions.Expect(page.GetByTestId("trace-total")).ToHaveTextAsync("1 trace");
        Assert.Contains("search=refund", url, StringComparison.Ordinal);
        Assert.Contains("environment=staging", url, StringComparison.Ordinal);
        await Assertions.Expect(fresh.GetByTestId("trace-row")).ToHaveCountAsync(1);
        await Assertions.Expect(fresh.GetByTestId("trace-row").First)
            .ToHaveAttributeAsync("data-trace-id", TraceStore.TraceId(3));
        await Assertions.Expect(fresh.GetByTestId("trace-input")).ToContainTextAsync("My refund was denied");
        await Assertions.Expect(fresh.GetByTestId("export-csv"))
            .ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("export/traces\\?.*search=refund"));
    }

    [Fact]
    public async Task TraceList_InvalidFilterValues_ShowMessagesBesideTheFields()
    {
        var page = _browser.Page;

        await OpenAsync(page, "traces?minLatencyMs=fast&search=%22&range=2w");

        await Assertions.Expect(page.GetByTestId("trace-list-invalid")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("'minLatencyMs' must be a number of at least 0.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("'search' needs at least one letter or digit.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("'range' must be one of")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByTestId("trace-row").CountAsync());
    }

    [Fact]
    public async Task TraceList_EveryUnparseableOrInconsistentFilter_ShowsItsMessageBesideItsField()
    {
        var page = _browser.Page;
        (string Query, (string Field, string Message)[] Expected)[] cases =
        [
            (
                "minLatencyMs=fast&maxLatencyMs=-5&minCost=abc&maxCost=1e999&from=yesterday&to=2026-13-40T00:00",
                [
                    ("minLatencyMs", "'minLatencyMs' must be a number of at least 0."),
                    ("maxLatencyMs", "'maxLatencyMs' must be a number of at least 0."),
                    ("minCost", "'minCost' must be a number of at least 0."),
                    ("maxCost", "'maxCost' must be a number of at least 0."),
                    ("from", "'from' must be an ISO-8601 date and time, e.g. 2026-12-04T15:00:00Z."),
                    ("to", "'to' must be an ISO-8601 date and time, e.g. 2026-12-04T15:00:00Z."),
                ]),
            (
                "scoreName=helpful&minScore=high&maxScore=NaN",
                [("minScore", "'minScore' must be a number."), ("maxScore", "'maxScore' must be a number.")]),
            ("minScore=0.5", [("scoreName", "'scoreName' is needed to bound a score.")]),
            ("scoreName=g&minScore=0.9&maxScore=0.1", [("maxScore", "'maxScore' must not be below 'minScore'.")]),
            (
                "minLatencyMs=900&maxLatencyMs=100&minCost=2&maxCost=1",
                [
                    ("maxLatencyMs", "'maxLatencyMs' must not be below 'minLatencyMs'."),
                    ("maxCost", "'maxCost' must not be below 'minCost'."),
                ]),
            ("from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", [("to", "'to' must not be before 'from'.")]),
            ("minCost=1&minCost=2", [("minCost", "'minCost' must be given once.")]),
        ];

        foreach (var (query, expected) in cases)
        {
            await OpenAsync(page, "traces?" + query);

            await Assertions.Expect(page.GetByTestId("trace-list-invalid")).ToBeVisibleAsync();
            foreach (var (field, message) in expected)
            {
                await Assertions.Expect(MessageBeside(page, field)).ToHaveTextAsync(message);
            }

            Assert.Equal(0, await page.GetByTestId("trace-row").CountAsync());
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
    }

    [Fact]
    public async Task TraceList_CustomRangeTypedInTheViewersZone_ShowsMessagesBesideFromAndToThenFilters()
    {
        var page = _browser.Page;
        await OpenAsync(page, "traces");

        await TypeAsync(page, "from", "next tuesday");
        await Assertions.Expect(MessageBeside(page, "from")).ToContainTextAsync("'from' must be an ISO-8601 date");

        // Berlin moves its clocks from 02:00 to 03:00 that night: the time does not exist there.
        await TypeAsync(page, "from", "2026-03-29 02:30");
        await Assertions.Expect(MessageBeside(page, "from"))
            .ToHaveTextAsync("2026-03-29 02:30 does not exist in Europe/Berlin: the clocks skip that hour.");

        await TypeAsync(page, "from", "2026-11-20 10:00");
        await TypeAsync(page, "to", "2026-11-20 09:00");
        await Assertions.Expect(MessageBeside(page, "to")).ToHaveTextAsync("'to' must not be before 'from'.");
        await Assertions.Expect(MessageBeside(page, "from")).ToHaveCountAsync(0);

        await TypeAsync(page, "to", "2026-11-20 10:02");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        Assert.Contains("from=2026-11-20T09%3A00%3A00.000Z", page.Url, StringComparison.Ordinal);
        Assert.Contains("to=2026-11-20T09%3A02%3A00.000Z", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TraceList_ModelAndTagFilters_MatchWholeEntriesOfTheTracesLists()
    {
        var page = _browser.Page;
        await OpenAsync(page, "traces");

        await FilterAsync(page, "model", "gpt-4o");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        var byModel = await RowIdsAsync(page);
        await FilterAsync(page, "tag", "vip");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        var byModelAndTag = await RowIdsAsync(page);
        await OpenAsync(page, "traces?tag=beta");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        var byTag = await RowIdsAsync(page);

        Assert.Equal([TraceStore.TraceId(3), TraceStore.TraceId(1)], byModel);
        Assert.Equal([TraceStore.TraceId(1)], byModelAndTag);
        Assert.Equal([TraceStore.TraceId(2), TraceStore.TraceId(1)], byTag);
    }

    [Fact]
    public async Task UserPage_LinkToTheUsersTraces_LandsOnTheListFilteredToThatUser()
    {
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "users/ada").ToString());
        await Assertions.Expect(page.GetByTestId("user-trace-count")).ToHaveTextAsync("2");

        await page.GetByTestId("user-traces-link").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/traces\\?userId=ada$"));
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        Assert.Equal([TraceStore.TraceId(3), TraceStore.TraceId(1)], await RowIdsAsync(page));
        await Assertions.Expect(page.Locator("input[data-testid=trace-filter-userId]")).ToHaveValueAsync("ada");
    }

    [Fact]
    public async Task TraceList_OpenATraceAndComeBack_TheUrlKeepsFiltersAndSelectionAndReproducesBoth()
    {
        var page = _browser.Page;
        var selectedRow = $"[data-testid=trace-row][data-trace-id='{TraceStore.TraceId(3)}']";
        await OpenAsync(page, "traces?environment=staging");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);

        await page.Locator(selectedRow).ClickAsync();
        await page.GetByTestId("trace-detail-page").WaitForAsync();
        await page.Locator($"[data-span-id='{TraceStore.SpanId(2)}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("span-detail-name")).ToHaveTextAsync("lookup order");
        var traceUrl = page.Url;
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator(selectedRow)).ToHaveAttributeAsync("aria-selected", "true");
        var listUrl = page.Url;

        var freshList = await page.Context.NewPageAsync();
        await OpenAsync(freshList, listUrl);
        var freshTrace = await page.Context.NewPageAsync();
        await freshTrace.GotoAsync(traceUrl);

        Assert.Contains("environment=staging", listUrl, StringComparison.Ordinal);
        Assert.Contains("trace=" + TraceStore.TraceId(3), listUrl, StringComparison.Ordinal);
        Assert.Contains("span=" + TraceStore.SpanId(2), traceUrl, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(2);
        await Assertions.Expect(freshList.GetByTestId("trace-row")).ToHaveCountAsync(2);
        await Assertions.Expect(freshList.Locator(selectedRow)).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(freshList.Locator("input[data-testid=trace-filter-environment]"))
            .ToHaveValueAsync("staging");
        await Assertions.Expect(freshTrace.Locator($"[data-span-id='{TraceStore.SpanId(2)}']"))
            .ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(freshTrace.GetByTestId("span-detail-name")).ToHaveTextAsync("lookup order");
    }

    [Fact]
    public async Task TraceList_SortedByLatency_NewBarCountsArrivalsAndShowPlacesThemByLatency()
    {
        var page = _browser.Page;
        await OpenAsync(page, "traces?sort=latency&order=desc");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(3);
        using var client = _app.CreateClient();

        // The slowest trace of all, and a fast one whose client clock runs an hour behind.
        var slowStart = DateTimeOffset.UtcNow;
        var lateStart = TraceStore.BaseTime.AddHours(-1);
        var ingest = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent(
                $$"""
                {"traces":[
                  {"id":"{{TraceStore.TraceId(20)}}","name":"slow arrival",
                   "startTime":"{{slowStart:O}}","endTime":"{{slowStart.AddSeconds(9):O}}"},
                  {"id":"{{TraceStore.TraceId(21)}}","name":"skewed arrival",
                   "startTime":"{{lateStart:O}}","endTime":"{{lateStart.AddMilliseconds(3):O}}"}]}
                """,
                System.Text.Encoding.UTF8,
                "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, ingest.StatusCode);

        await Assertions.Expect(page.GetByTestId("new-traces-count")).ToHaveTextAsync("2 new traces");
        Assert.Equal(3, await page.GetByTestId("trace-row").CountAsync());
        await page.GetByTestId("show-new-traces").ClickAsync();

        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("new-traces-bar")).ToHaveCountAsync(0);
        var ids = await RowIdsAsync(page);
        Assert.Equal(TraceStore.TraceId(20), ids[0]);
        Assert.Equal(TraceStore.TraceId(21), ids[^1]);
    }

    [Fact]
    public async Task TraceList_RelativeRange_ShowNewReadsTheRangeAgainFromNow()
    {
        var page = _browser.Page;
        using var client = _app.CreateClient();

        // A trace that is inside "last 15 minutes" when the list loads and falls out of it seconds later.
        var edge = DateTimeOffset.UtcNow.AddMinutes(-15).AddSeconds(4);
        await IngestAsync(client, 30, "leaving the range", edge);
        await OpenAsync(page, "traces?range=15m");
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);

        await Task.Delay(TimeSpan.FromSeconds(5));
        await IngestAsync(client, 31, "fresh arrival", DateTimeOffset.UtcNow);
        await Assertions.Expect(page.GetByTestId("new-traces-count")).ToHaveTextAsync("1 new trace");
        await page.GetByTestId("show-new-traces").ClickAsync();

        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
        Assert.Equal([TraceStore.TraceId(31)], await RowIdsAsync(page));
    }

    private static async Task IngestAsync(HttpClient client, int trace, string name, DateTimeOffset start)
    {
        var response = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent(
                $$"""
                {"traces":[{"id":"{{TraceStore.TraceId(trace)}}","name":"{{name}}",
                  "startTime":"{{start:O}}","endTime":"{{start.AddSeconds(1):O}}"}]}
                """,
                System.Text.Encoding.UTF8,
                "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private static ILocator MessageBeside(IPage page, string field)
        => page.Locator(".mud-input-control")
            .Filter(new() { Has = page.Locator($"input[data-testid=trace-filter-{field}]") })
            .Locator(".mud-input-helper-text");

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
    }

    private async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url.StartsWith("http", StringComparison.Ordinal)
            ? url
            : new Uri(_app.BaseAddress, url).ToString());

        // The zone label turns from UTC to the browser's zone once the page is interactive.
        await Assertions.Expect(page.GetByTestId("time-zone-label")).ToContainTextAsync("Berlin");
    }

    private static async Task FilterAsync(IPage page, string name, string value)
    {
        var field = page.Locator($"input[data-testid=trace-filter-{name}], [data-testid=trace-filter-{name}] input");
        await field.FillAsync(value);
        await field.PressAsync("Enter");

        // Leaving the field commits it too, should the Enter have come before the field was listening.
        await field.BlurAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"{name}={value}"));
    }
}
