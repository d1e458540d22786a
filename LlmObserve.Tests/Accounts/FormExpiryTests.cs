using System.Net;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// An account form posted with a missing or stale antiforgery token goes back to its page, which says the form
/// expired; nothing is done and nothing is logged as an error.
/// </summary>
public sealed class FormExpiryTests
{
    private const string StaleToken = "CfDJ8-stale-token-from-an-earlier-instance";

    [Theory]
    [InlineData(null)]
    [InlineData(StaleToken)]
    public async Task SignIn_WithoutAValidToken_GoesBackToTheFormSayingItExpired(string? token)
    {
        var errors = new ErrorLogRecorder();
        await using var app = await RunningApp.StartAsync(configure: b => b.Logging.AddProvider(errors));
        using var client = app.CreateCookieClient();

        using var answer = await client.PostAsync(
            new Uri("account/login", UriKind.Relative),
            Form(token, new("Email", RunningApp.AdminEmail), new("Password", RunningApp.AdminPassword)));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        string location = answer.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?expired=1", location, StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri(location[1..], UriKind.Relative));
        Assert.Contains("The form expired; reload the page and try again.", page, StringComparison.Ordinal);
        using var traces = await client.GetAsync(new Uri("traces", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, traces.StatusCode);
        Assert.Empty(errors.Errors);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(StaleToken)]
    public async Task FirstAdmin_WithoutAValidToken_GoesBackToTheFormSayingItExpired(string? token)
    {
        var errors = new ErrorLogRecorder();
        await using var app = await RunningApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["LlmObserve:Init:AdminEmail"] = null,
                ["LlmObserve:Init:AdminPassword"] = null,
            },
            configure: b => b.Logging.AddProvider(errors));
        using var client = app.CreateCookieClient();

        using var answer = await client.PostAsync(
            new Uri("account/first-admin", UriKind.Relative),
            Form(token, new("Email", "first@expiry.example"), new("Password", "a long enough password 7")));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        string location = answer.Headers.Location!.OriginalString;
        Assert.StartsWith("/setup/admin?problem=form", location, StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri(location[1..], UriKind.Relative));
        Assert.Contains("The form expired; reload the page and try again.", page, StringComparison.Ordinal);
        using var scope = app.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>().Users.CountAsync());
        Assert.Empty(errors.Errors);
    }

    private static FormUrlEncodedContent Form(string? token, params KeyValuePair<string, string>[] fields)
        => new(token is null ? fields : [new("__RequestVerificationToken", token), .. fields]);
}
