using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Accounts;

/// <summary>Signing in and out in Chromium, and what each role sees of the app.</summary>
public sealed class AccountBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app, signIn: false);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_FromAProtectedPage_ReturnsThereAndShowsTheAccount()
    {
        var page = _browser.Page;

        await page.GotoAsync($"{_app.BaseAddress}overview");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl="));
        await page.Locator("#email").FillAsync(RunningApp.AdminEmail);
        await page.Locator("#password").FillAsync(RunningApp.AdminPassword);
        await page.Locator("form[data-testid=login-form] button[type=submit]").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{_app.BaseAddress}overview");
        await Assertions.Expect(page.GetByTestId("user-email")).ToHaveTextAsync(RunningApp.AdminEmail);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsTheGenericMessage()
    {
        var page = _browser.Page;

        await page.GotoAsync($"{_app.BaseAddress}login");
        await page.Locator("#email").FillAsync(RunningApp.AdminEmail);
        await page.Locator("#password").FillAsync("certainly not the password");
        await page.Locator("form[data-testid=login-form] button[type=submit]").ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-error"))
            .ToHaveTextAsync("The e-mail address or the password is wrong.");
    }

    [Fact]
    public async Task Navigation_ByRole_ShowsOnlyTheSectionsTheRoleOpens()
    {
        await TestPeople.AddAsync(_app, "viewer@test.example", ProjectRole.Viewer);
        await TestPeople.AddAsync(_app, "reviewer@test.example", ProjectRole.Reviewer);
        var admin = await _browser.NewContextPageAsync();
        var viewer = await _browser.NewContextPageAsync("viewer@test.example", TestPeople.Password);
        var reviewer = await _browser.NewContextPageAsync("reviewer@test.example", TestPeople.Password);

        await admin.GotoAsync($"{_app.BaseAddress}traces");
        await viewer.GotoAsync($"{_app.BaseAddress}traces");
        await reviewer.GotoAsync($"{_app.BaseAddress}annotation");

        var adminMenu = admin.GetByTestId("nav-menu");
        var viewerMenu = viewer.GetByTestId("nav-menu");
        var reviewerMenu = reviewer.GetByTestId("nav-menu");
        await Assertions.Expect(adminMenu.Locator("a[href='/settings/users']")).ToHaveCountAsync(1);
        await Assertions.Expect(viewerMenu.Locator("a[href='/traces']")).ToHaveCountAsync(1);
        await Assertions.Expect(viewerMenu.Locator("a[href='/settings/users']")).ToHaveCountAsync(0);
        await Assertions.Expect(viewerMenu.Locator("a[href='/annotation']"))
            .ToHaveCountAsync(0);
        await Assertions.Expect(reviewerMenu.Locator("a[href='/annotation']"))
            .ToHaveCountAsync(1);
        await Assertions.Expect(reviewerMenu.Locator("a[href='/traces']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Settings_AsViewer_ShowsTheAccessPageWithStatus403()
    {
        await TestPeople.AddAsync(_app, "viewer@test.example", ProjectRole.Viewer);
        var viewer = await _browser.NewContextPageAsync("viewer@test.example", TestPeople.Password);

        var response = await viewer.GotoAsync($"{_app.BaseAddress}settings/prices");

        Assert.Equal(403, response?.Status);
        await Assertions.Expect(viewer.GetByTestId("access-denied-reason"))
            .ToContainTextAsync("You need the admin role in project");
        await Assertions.Expect(viewer.GetByTestId("prices-page")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignOut_FromTheAppBar_EndsTheSessionAndPagesAskForASignInAgain()
    {
        var page = await _browser.NewContextPageAsync();
        await page.GotoAsync($"{_app.BaseAddress}traces");

        await page.GetByTestId("sign-out").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await page.GotoAsync($"{_app.BaseAddress}traces");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl="));
    }
}
