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
        _browser = await BrowserSession.StartAsync();
        var store = new TraceStore(_app);
        var projectId = await store.ProjectIdAsync();

        var refundOk = TraceStore.Trace(projectId, 1, 0);
        refundOk.Environment = "production";
        refundOk.InputText = "What is the refund window?";
        var passwordError = TraceStore.Trace(projectId, 2, 1);
        passwordError.Environment = "staging";
        passwordError.Status = SpanStatus.Error;
        passwordError.InputText = "How do I reset my password?";
        var refundError = TraceStore.Trace(projectId, 3, 2);
        refundError.Environment = "staging";
        refundError.Status = SpanStatus.Error;
        refundError.InputText = "My refund was denied, why?";
        await store.AddAsync([refundOk, passwordError, refundError]);
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
