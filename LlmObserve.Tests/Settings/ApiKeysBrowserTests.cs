using System.Net;
using System.Net.Http.Headers;
using LlmObserve.Core.Audit;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Settings;

/// <summary>
/// Settings › API keys in Chromium: a key created in the dialog shows its secret and the exporter settings once, and
/// the secret is gone from the page once the dialog closes; the key works until it is revoked after a confirmation;
/// both show on Settings › Audit log.
/// </summary>
public sealed class ApiKeysBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Keys_CreateShowsTheSecretOnce_RevokeRefusesIt_AndTheAuditLogShowsBoth()
    {
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "settings/keys").ToString());
        await Assertions.Expect(page.Locator("[data-testid=keys-page][data-interactive=true]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("key-row")).ToHaveCountAsync(1);

        await page.GetByTestId("key-create-open").ClickAsync();
        await page.GetByTestId("key-create").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("'name' is required");
        await page.Locator("input[data-testid=key-name], [data-testid=key-name] input").FillAsync("dashboard reader");
        await page.GetByTestId("key-scope-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item")
            .GetByText("read: traces, sessions, metrics, datasets", new() { Exact = true })
            .ClickAsync();
        await page.GetByTestId("key-create").ClickAsync();
        var secret = await page.GetByTestId("key-created-secret").InnerTextAsync();
        var environment = await page.GetByTestId("key-created-env").InnerTextAsync();
        await page.GetByTestId("key-copy-secret").ClickAsync();
        await Assertions.Expect(page.GetByTestId("key-copy-notice")).ToBeVisibleAsync();
        using var readBefore = await ReadTracesAsync(secret);

        await page.GetByTestId("key-created-close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("key-created-secret")).ToHaveCountAsync(0);
        var row = page.Locator("[data-testid=key-row][data-key-name='dashboard reader']");
        await Assertions.Expect(row.GetByTestId("key-scope")).ToHaveTextAsync("read");
        await Assertions.Expect(row.GetByTestId("key-last-used")).ToHaveTextAsync("never");
        var html = await page.ContentAsync();
        await page.GetByTestId("key-create-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("key-create")).ToBeVisibleAsync();
        var reopened = await page.ContentAsync();
        await page.GetByTestId("key-create-cancel").ClickAsync();

        await row.GetByTestId("key-revoke").ClickAsync();
        await page.GetByTestId("key-revoke-confirm").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-revoked", "true");
        await Assertions.Expect(row.GetByTestId("key-status")).ToContainTextAsync("revoked");
        await Assertions.Expect(page.GetByTestId("keys-notice")).ToContainTextAsync("'dashboard reader' revoked");
        using var readAfter = await ReadTracesAsync(secret);

        await page.GetByTestId("settings-nav-audit").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audit-page][data-interactive=true]")).ToBeVisibleAsync();
        // The instance admin also sees events of no project: their own sign-in, besides the two key events.
        var events = page.Locator("[data-testid=audit-event][data-action^='key.']");
        await Assertions.Expect(events).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"[data-testid=audit-event][data-action='{AuditActions.SignedIn}']"))
            .ToHaveCountAsync(1);
        var auditHtml = await page.ContentAsync();

        Assert.StartsWith("sk-lo-", secret);
        Assert.Contains($"OTEL_EXPORTER_OTLP_ENDPOINT={_app.BaseAddress.ToString().TrimEnd('/')}", environment);
        Assert.Contains($"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20{secret}", environment);
        Assert.Equal(HttpStatusCode.OK, readBefore.StatusCode);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, reopened, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, readAfter.StatusCode);
        Assert.Equal(AuditActions.KeyRevoked, await events.Nth(0).GetAttributeAsync("data-action"));
        Assert.Equal(AuditActions.KeyCreated, await events.Nth(1).GetAttributeAsync("data-action"));
        Assert.Equal(
            "user " + RunningApp.AdminEmail,
            await events.Nth(0).GetByTestId("audit-actor").InnerTextAsync());
        Assert.DoesNotContain(secret, auditHtml, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> ReadTracesAsync(string secret)
    {
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await client.GetAsync("api/traces");
    }
}
