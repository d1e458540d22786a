using Microsoft.Playwright;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, headless, with the background services that would call out to the
/// network turned off. The browser is the system package (<c>apt-get install chromium</c>), never a download.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _timeZone;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, string timeZone)
    {
        _playwright = playwright;
        _browser = browser;
        _timeZone = timeZone;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<BrowserSession> StartAsync(string timeZone = "Europe/Berlin")
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: browser tests need Debian's Chromium (apt-get install -y chromium).");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { TimezoneId = timeZone });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(playwright, browser, page, timeZone);
    }

    /// <summary>A page in a new browser context: its own cookies and storage, as a second person would have.</summary>
    public async Task<IPage> NewContextPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { TimezoneId = _timeZone });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
