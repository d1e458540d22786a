using System.Net;
using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Tests.Accounts;

/// <summary>Signing in over HTTP: the generic refusal, lockout, the cookie's flags and where a sign-in leads.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
    {
        ["LlmObserve:Auth:LockoutFailures"] = "3",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignIn_UnknownWrongAndLocked_AllAnswerTheSameGenericMessage()
    {
        await TestPeople.AddAsync(_app, "locked@test.example", ProjectRole.Viewer);
        using var client = _app.CreateCookieClient();

        var unknown = await RefusalPageAsync(client, "nobody@test.example", TestPeople.Password);
        var wrong = await RefusalPageAsync(client, "locked@test.example", "not the password at all");
        await RefusalPageAsync(client, "locked@test.example", "not the password at all");
        await RefusalPageAsync(client, "locked@test.example", "not the password at all");
        var lockedWithTheRightPassword = await RefusalPageAsync(client, "locked@test.example", TestPeople.Password);

        Assert.All(
            new[] { unknown, wrong, lockedWithTheRightPassword },
            page => Assert.Contains(AccountEndpoints.GenericFailure, page, StringComparison.Ordinal));
        Assert.Equal(Message(unknown), Message(lockedWithTheRightPassword));
        Assert.DoesNotContain("locked", Message(lockedWithTheRightPassword), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_AfterFailuresBelowTheLimit_TheRightPasswordStillWorks()
    {
        await TestPeople.AddAsync(_app, "careful@test.example", ProjectRole.Viewer);
        using var client = _app.CreateCookieClient();
        await RefusalPageAsync(client, "careful@test.example", "not the password at all");
        await RefusalPageAsync(client, "careful@test.example", "not the password at all");

        using var response = await RunningApp.SignInAsync(client, "careful@test.example", TestPeople.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_Succeeds_SetsAnHttpOnlyLaxCookieAndReturnsToTheLocalPageAskedFor()
    {
        using var client = _app.CreateCookieClient();

        using var response = await RunningApp.SignInAsync(
            client,
            RunningApp.AdminEmail,
            RunningApp.AdminPassword,
            "/traces?status=error");

        var cookie = Assert.Single(
            response.Headers.GetValues("Set-Cookie"),
            c => c.StartsWith(AccountsServiceCollectionExtensions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/traces?status=error", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task SignIn_ReturnUrlOfAnotherSite_LandsOnTheHomePageInstead(string returnUrl)
    {
        using var client = _app.CreateCookieClient();

        using var response = await RunningApp.SignInAsync(
            client,
            RunningApp.AdminEmail,
            RunningApp.AdminPassword,
            returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Page_Anonymous_RedirectsToTheSignInPageWithTheWayBack()
    {
        using var client = _app.CreateCookieClient();

        using var response = await client.GetAsync(new Uri("traces?status=error", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(
            "/login?ReturnUrl=%2Ftraces%3Fstatus%3Derror",
            location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
    }

    [Theory]
    [InlineData("login")]
    [InlineData("health")]
    [InlineData("css/app.css")]
    [InlineData("_framework/blazor.web.js")]
    [InlineData("favicon.svg")]
    public async Task PublicAddress_Anonymous_IsServedWithoutASignIn(string path)
    {
        using var client = _app.CreateCookieClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutTheFormsToken_IsRefusedAndKeepsTheSignIn()
    {
        using var client = await _app.CreateSignedInClientAsync();

        using var signOut = await client.PostAsync(
            new Uri("account/logout", UriKind.Relative),
            new FormUrlEncodedContent([]));
        using var page = await client.GetAsync(new Uri("traces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<string> RefusalPageAsync(HttpClient client, string email, string password)
    {
        using var response = await RunningApp.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?failed=1", location, StringComparison.Ordinal);
        return await client.GetStringAsync(new Uri(location.TrimStart('/'), UriKind.Relative));
    }

    private static string Message(string page)
    {
        var start = page.IndexOf("data-testid=\"login-error\"", StringComparison.Ordinal);
        return page[start..page.IndexOf("</p>", start, StringComparison.Ordinal)];
    }
}
