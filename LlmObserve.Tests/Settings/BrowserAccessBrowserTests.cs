using System.Net;
using System.Text;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Settings;

/// <summary>
/// Settings › Browser feedback in Chromium: origins that are not origins are refused line by line, a created key's
/// public key is shown, and a key revoked on the page can no longer send feedback.
/// </summary>
public sealed class BrowserAccessBrowserTests : IAsyncLifetime
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
    public async Task BrowserAccess_OriginsKeyAndRevocation_WorkFromThePage()
    {
        var page = _browser.Page;
        await page.GotoAsync(new Uri(_app.BaseAddress, "settings/browser-access").ToString());
        await Assertions.Expect(page.Locator("[data-testid=browser-access-page][data-interactive=true]"))
            .ToBeVisibleAsync();
        var origins = page.Locator("textarea[data-testid=browser-origins]");

        await origins.FillAsync("https://shop.example.com\nnot an origin\nhttps://app.example.com/path");
        await page.GetByTestId("browser-origins-save").ClickAsync();
        var errors = page.GetByTestId("browser-origin-error");
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        await Assertions.Expect(errors.First).ToContainTextAsync("Line 2 ('not an origin'): An origin is a scheme");
        await Assertions.Expect(errors.Last).ToContainTextAsync("Line 3 ('https://app.example.com/path')");

        await origins.FillAsync("https://SHOP.example.com:443\nhttp://127.0.0.1:5173");
        await page.GetByTestId("browser-origins-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("browser-notice"))
            .ToHaveTextAsync("Origins saved: https://shop.example.com, http://127.0.0.1:5173.");
        await Assertions.Expect(errors).ToHaveCountAsync(0);

        await page.Locator("input[data-testid=browser-key-name]").FillAsync("shop page");
        await page.GetByTestId("browser-key-create").ClickAsync();
        var publicKey = await page.GetByTestId("browser-key-created-public").InnerTextAsync();
        var key = page.GetByTestId("browser-key");
        await Assertions.Expect(key).ToHaveCountAsync(1);
        await Assertions.Expect(key.GetByTestId("browser-key-state")).ToHaveTextAsync("active");
        using var before = await SendFeedbackAsync(publicKey);

        await key.GetByTestId("browser-key-revoke").ClickAsync();
        await key.GetByTestId("browser-key-revoke-confirm").ClickAsync();
        await Assertions.Expect(key.GetByTestId("browser-key-state")).ToHaveTextAsync("revoked");
        await Assertions.Expect(page.GetByTestId("browser-key-created")).ToHaveCountAsync(0);
        using var after = await SendFeedbackAsync(publicKey);

        Assert.StartsWith("pk-", publicKey);
        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private async Task<HttpResponseMessage> SendFeedbackAsync(string publicKey)
    {
        using var client = _app.CreateClient(authenticated: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/feedback")
        {
            Content = new StringContent(
                """{"requestId":"from-the-shop","kind":"thumbs","value":-1}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-LlmObserve-Public-Key", publicKey);
        request.Headers.Add("Origin", "http://127.0.0.1:5173");
        return await client.SendAsync(request);
    }
}
