using System.Net;
using System.Text.RegularExpressions;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>The first admin: from the set-up page while no account exists, or headless and idempotent.</summary>
public sealed partial class FirstAdminTests
{
    private static readonly Dictionary<string, string?> NoInitAdmin = new()
    {
        ["LlmObserve:Init:AdminEmail"] = null,
        ["LlmObserve:Init:AdminPassword"] = null,
    };

    [Fact]
    public async Task FirstAdminPage_TwoVisitorsAtOnce_MakeExactlyOneAdmin()
    {
        await using var app = await RunningApp.StartAsync(settings: NoInitAdmin);
        using var first = app.CreateCookieClient();
        using var second = app.CreateCookieClient();
        var firstForm = await FormAsync(first, "first@race.example");
        var secondForm = await FormAsync(second, "second@race.example");

        var answers = await Task.WhenAll(
            first.PostAsync(new Uri("account/first-admin", UriKind.Relative), firstForm),
            second.PostAsync(new Uri("account/first-admin", UriKind.Relative), secondForm));

        var locations = answers.Select(a => a.Headers.Location!.OriginalString).ToList();
        Assert.Single(locations, l => l == "/setup");
        Assert.Single(
            locations,
            l => l.StartsWith("/setup/admin?problem=first-admin-exists", StringComparison.Ordinal));
        Assert.Equal(1, await UserCountAsync(app));
        var audited = await FirstAdminEventsAsync(app);
        var created = Assert.Single(audited);
        Assert.Null(created.ProjectId);
        Assert.Contains("\"instanceAdmin\":true", created.DetailJson, StringComparison.Ordinal);
        Assert.Contains("set-up page", created.DetailJson, StringComparison.Ordinal);
        var page = await first.GetStringAsync(new Uri("setup/admin", UriKind.Relative));
        Assert.Contains("data-testid=\"admin-exists\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstAdminPage_ShortPassword_IsRefusedWithTheRuleAndCreatesNobody()
    {
        await using var app = await RunningApp.StartAsync(settings: NoInitAdmin);
        using var client = app.CreateCookieClient();

        using var answer = await client.PostAsync(
            new Uri("account/first-admin", UriKind.Relative),
            await FormAsync(client, "short@example.com", "short"));

        var location = Uri.UnescapeDataString(answer.Headers.Location!.OriginalString);
        Assert.StartsWith("/setup/admin?problem=password", location, StringComparison.Ordinal);
        Assert.Contains("at least 12 characters", location, StringComparison.Ordinal);
        Assert.Equal(0, await UserCountAsync(app));
    }

    [Fact]
    public async Task InitAdmin_AcrossARestart_IsCreatedOnceAndSignsIn()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        await using (var app = await RunningApp.StartAsync(dataDirectory))
        {
            Assert.Equal(1, await UserCountAsync(app));
        }

        await using var restarted = await RunningApp.StartAsync(dataDirectory);
        using var client = await restarted.CreateSignedInClientAsync();
        using var page = await client.GetAsync(new Uri("setup", UriKind.Relative));

        Assert.Equal(1, await UserCountAsync(restarted));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var created = Assert.Single(await FirstAdminEventsAsync(restarted));
        Assert.Equal(RunningApp.AdminEmail, created.Target);
        Assert.Contains("LlmObserve:Init settings", created.DetailJson, StringComparison.Ordinal);
    }

    /// <summary>The audit log's account creations; here only first admins are made.</summary>
    private static async Task<List<LlmObserve.Core.Audit.AuditEvent>> FirstAdminEventsAsync(RunningApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>().AuditEvents
            .Where(e => e.Action == LlmObserve.Core.Audit.AuditActions.UserCreated)
            .ToListAsync();
    }

    private static async Task<int> UserCountAsync(RunningApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>().Users.CountAsync();
    }

    private static async Task<FormUrlEncodedContent> FormAsync(
        HttpClient client,
        string email,
        string password = "race test password 11")
    {
        var page = await client.GetStringAsync(new Uri("setup/admin", UriKind.Relative));
        return new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenPattern().Match(page).Groups[1].Value,
            ["Email"] = email,
            ["Password"] = password,
        });
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
