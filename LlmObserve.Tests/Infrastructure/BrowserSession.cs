using Microsoft.Playwright;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, headless, with the background services that would call out to the
/// network turned off. The browser is the system package (<c>apt-get install chromium</c>), never a download.
/// Its page starts signed in as the app's first admin, as every page needs a signed-in person.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _timeZone;
    private readonly Uri _baseAddress;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, string timeZone, Uri baseAddress)
    {
        _playwright = playwright;
        _browser = browser;
        _timeZone = timeZone;
        _baseAddress = baseAddress;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Starts Chromium with one page, signed in to <paramref name="app"/> unless told otherwise.</summary>
    public static async Task<BrowserSession> StartAsync(
        RunningApp app,
        string timeZone = "Europe/Berlin",
        bool signIn = true)
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
        var session = new BrowserSession(playwright, browser, page, timeZone, app.BaseAddress);
        if (signIn)
        {
            await session.SignInAsync(page, RunningApp.AdminEmail, RunningApp.AdminPassword);
        }

        return session;
    }

    /// <summary>
    /// A page in a new browser context: its own cookies and storage, as a second person would have; signed in as
    /// the given account (the first admin by default), or as nobody with <paramref name="signIn"/> false.
    /// </summary>
    public async Task<IPage> NewContextPageAsync(
        string email = RunningApp.AdminEmail,
        string password = RunningApp.AdminPassword,
        bool signIn = true)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { TimezoneId = _timeZone });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        if (signIn)
        {
            await SignInAsync(page, email, password);
        }

        return page;
    }

    /// <summary>Fills and sends the sign-in form, and waits until the app has let the page in.</summary>
    public async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync(new Uri(_baseAddress, "login").ToString());
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form[data-testid=login-form] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
