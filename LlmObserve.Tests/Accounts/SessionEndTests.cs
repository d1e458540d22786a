using System.Net;
using System.Text.RegularExpressions;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// A sign-in ends for every copy of its cookie when its person signs out or changes the password: the cookie alone
/// proves nothing once the account's security stamp has moved on.
/// </summary>
public sealed partial class SessionEndTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    // Checked on every request, so the test need not wait for the production minute.
    public async Task InitializeAsync() => _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
    {
        ["LlmObserve:Auth:SessionCheckSeconds"] = "0",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignOut_CopiedCookie_IsRefusedAfterwards()
    {
        var cookies = await _app.SignInCookiesAsync();
        using var browser = _app.CreateCookieClient(cookies);
        using var copy = _app.CreateCookieClient(Copy(cookies));
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync(new Uri("api/traces", UriKind.Relative))).StatusCode);

        using var signOut = await SignOutAsync(browser);
        using var afterwards = await copy.GetAsync(new Uri("api/traces", UriKind.Relative));
        using var page = await copy.GetAsync(new Uri("traces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/login?signedOut=1", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePassword_OlderCookie_IsRefusedAndTheNewPasswordSignsIn()
    {
        const string email = "changer@test.example";
        const string newPassword = "a brand new passphrase";
        await TestPeople.AddAsync(_app, email, ProjectRole.Viewer);
        using var before = await _app.CreateSignedInClientAsync(email, TestPeople.Password);
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync(new Uri("api/traces", UriKind.Relative))).StatusCode);

        using (var scope = await TestPeople.SignedInScopeAsync(_app, email))
        {
            var userId = await scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>().Users
                .Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var problems = await scope.ServiceProvider.GetRequiredService<AccountService>()
                .ChangePasswordAsync(userId, TestPeople.Password, newPassword);
            Assert.Empty(problems);
        }

        using var afterwards = await before.GetAsync(new Uri("api/traces", UriKind.Relative));
        using var again = await _app.CreateSignedInClientAsync(email, newPassword);
        using var signedInAgain = await again.GetAsync(new Uri("api/traces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedInAgain.StatusCode);
    }

    [Fact]
    public async Task SignedIn_WithoutSignOut_StaysSignedInAcrossChecks()
    {
        using var client = await _app.CreateSignedInClientAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("api/traces", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Signs out as the app bar's form does: its antiforgery token, then the post.</summary>
    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("traces", UriKind.Relative));
        var form = page[page.IndexOf("data-testid=\"sign-out-form\"", StringComparison.Ordinal)..];
        var token = TokenPattern().Match(form).Groups[1].Value;
        Assert.NotEmpty(token);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync(new Uri("account/logout", UriKind.Relative), content);
    }

    private static CookieContainer Copy(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            copy.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        return copy;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

internal static class LocationExtensions
{
    public static string? PathAndQueryOrOriginal(this Uri? location)
        => location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
}
