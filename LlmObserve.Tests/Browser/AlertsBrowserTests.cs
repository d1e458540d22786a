using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LlmObserve.Tests.Alerts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// The Alerts page in Chromium: a rule created on the page fires when traffic arrives, the open page shows it live,
/// and the notification's link opens the trace list filtered to the window; the history lists the event. A
/// channel's token-bearing URL never reaches the page, not even its edit form, and saving the form keeps it.
/// </summary>
public sealed class AlertsBrowserTests : IAsyncLifetime
{
    private AlertTestApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertTestApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app.App);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task RuleCreatedOnThePage_FiresLive_ItsLinkOpensTheTraces()
    {
        var page = _browser.Page;
        await OpenAsync(page, "alerts", "alerts-page");
        await page.GetByTestId("rule-add").ClickAsync();
        await page.GetByTestId("rule-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("rule-form")).ToContainTextAsync("'name' is required.");

        await Field(page, "rule-name").FillAsync("busy hour");
        await page.GetByTestId("rule-metric").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item")
            .GetByText("Request volume (requests per window)", new() { Exact = true })
            .ClickAsync();
        await Field(page, "rule-warning").FillAsync("0");
        await Field(page, "rule-warning").BlurAsync();
        await page.GetByTestId("rule-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("alerts-notice")).ToContainTextAsync("Rule 'busy hour' saved.");
        await Assertions.Expect(page.Locator("[data-testid=rule-row][data-rule='busy hour']"))
            .ToContainTextAsync("request_volume above warning 0 over 5 min");

        await _app.IngestTracesAsync(1, 40, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        var snackbar = page.Locator(".mud-snackbar", new() { HasText = "Alert warning: busy hour (1)" });
        await Assertions.Expect(snackbar).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await snackbar.GetByRole(AriaRole.Button, new() { Name = "Traces" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/traces\?from=.*&to="));
        await Assertions.Expect(page.GetByTestId("trace-total")).ToHaveTextAsync("1 trace");

        await OpenAsync(page, "alerts/history", "alert-history-page");
        await Assertions.Expect(page.Locator("[data-testid=event-row][data-rule='busy hour'][data-status=firing]"))
            .ToContainTextAsync("no channel");
    }

    [Fact]
    public async Task DriftRuleOnThePage_AsksForAMonitor_ThePickerSavesIt()
    {
        using var created = await _app.Client.PostAsJsonAsync("api/drift/monitors", new
        {
            name = "answer length",
            features = new[] { new { feature = "output_tokens" } },
            enabled = false,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var page = _browser.Page;
        await OpenAsync(page, "alerts", "alerts-page");
        await page.GetByTestId("rule-add").ClickAsync();
        await Field(page, "rule-name").FillAsync("answers drift");
        await page.GetByTestId("rule-metric").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item")
            .GetByText("Drift score (drift strength 0-1 or distance)", new() { Exact = true })
            .ClickAsync();
        await Field(page, "rule-warning").FillAsync("0.95");
        await Field(page, "rule-warning").BlurAsync();

        // Drift metrics swap the traffic filters for the monitor picker, and a rule without a monitor is refused.
        await Assertions.Expect(page.GetByTestId("rule-environment")).ToHaveCountAsync(0);
        await page.GetByTestId("rule-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("rule-form"))
            .ToContainTextAsync("'driftMonitorId' is required for drift_score");

        await page.GetByTestId("rule-drift-monitor").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item")
            .GetByText("answer length", new() { Exact = true })
            .ClickAsync();
        await page.GetByTestId("rule-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("alerts-notice")).ToContainTextAsync("Rule 'answers drift' saved.");
        await Assertions.Expect(page.Locator("[data-testid=rule-row][data-rule='answers drift']"))
            .ToContainTextAsync("monitor answer length");
    }

    [Fact]
    public async Task ChannelWithTokenUrl_PageShowsOnlyItsMaskedForm_EditKeepsIt()
    {
        const string token = "xoxbPAGEtoken5519secret";
        await using var receiver = await WebhookReceiver.StartAsync();
        var origin = $"http://127.0.0.1:{receiver.BaseAddress.Port}";
        var channel = await _app.CreateChannelAsync(new
        {
            name = "ops slack",
            kind = "slack",
            url = $"{origin}/hook/T0TEAM/B0HOOK/{token}",
        });
        var page = _browser.Page;
        await OpenAsync(page, "alerts", "alerts-page");
        var row = page.Locator("[data-testid=channel-row][data-channel='ops slack']");
        await Assertions.Expect(row).ToContainTextAsync(origin + "/…");

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(Field(page, "channel-url")).ToHaveValueAsync(string.Empty);
        await Assertions.Expect(page.GetByTestId("channel-form")).ToContainTextAsync("Now " + origin + "/…");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        await Field(page, "channel-name").FillAsync("ops slack renamed");
        await Field(page, "channel-name").BlurAsync();
        await page.GetByTestId("channel-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("alerts-notice"))
            .ToContainTextAsync("Channel 'ops slack renamed' saved.");

        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        using var test = await _app.Client.PostAsync($"api/alerts/channels/{channel}/test", null);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Equal([$"/hook/T0TEAM/B0HOOK/{token}"], receiver.Targets);
    }

    private static ILocator Field(IPage page, string testId)
        => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private async Task OpenAsync(IPage page, string path, string pageTestId)
    {
        await page.GotoAsync(new Uri(_app.App.BaseAddress, path).ToString());
        await Assertions.Expect(page.Locator($"[data-testid={pageTestId}][data-interactive=true]")).ToBeVisibleAsync();
    }
}
