using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// Creating a second project on the Projects page and switching between the two with the app bar's switcher in
/// Chromium: each project's pages show its own traces only, and a person outside a project cannot select it.
/// </summary>
public sealed class ProjectSwitchBrowserTests : IAsyncLifetime
{
    private const string AlphaInput = "alpha apples question from the first project";
    private const string BravoInput = "bravo bananas question from the second project";
    private const string BravoName = "Bravo shop";

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
    public async Task Switcher_AfterCreatingASecondProject_ShowsOnlyTheSelectedProjectsTraces()
    {
        var page = _browser.Page;
        await IngestAsync(RunningApp.SecretKey, AlphaInput);
        await OpenTracesAsync(page);
        var alphaBefore = await page.GetByTestId("trace-input").AllInnerTextsAsync();

        var (_, bravoSecret) = await CreateProjectAsync(page, BravoName);
        await IngestAsync(bravoSecret, BravoInput);
        await SwitchAsync(page, BravoName, reload: false);
        await OpenTracesAsync(page);
        var bravoInputs = await page.GetByTestId("trace-input").AllInnerTextsAsync();
        var bravoSwitcher = await page.GetByTestId("project-switcher").InnerTextAsync();
        await SwitchAsync(page, ProjectBootstrapper.DefaultProjectName, reload: true);
        await OpenTracesAsync(page);

        Assert.Equal([AlphaInput], alphaBefore.Select(t => t.Trim()).ToArray());
        Assert.Equal([BravoInput], bravoInputs.Select(t => t.Trim()).ToArray());
        Assert.Contains(BravoName, bravoSwitcher, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("trace-input")).ToContainTextAsync([AlphaInput]);
        await Assertions.Expect(page.GetByTestId("project-switcher"))
            .ToContainTextAsync(ProjectBootstrapper.DefaultProjectName);
    }

    [Fact]
    public async Task Selection_OfAProjectThePersonIsNotMemberOf_IsRefusedAndShowsTheirOwnProject()
    {
        var page = _browser.Page;
        await IngestAsync(RunningApp.SecretKey, AlphaInput);
        var (bravoId, bravoSecret) = await CreateProjectAsync(page, BravoName);
        var bravoTrace = await IngestAsync(bravoSecret, BravoInput);
        const string outsider = "outsider@test.example";
        var outsiderId = await TestPeople.AddAsync(_app, outsider, ProjectRole.Member);
        var outsiderPage = await _browser.NewContextPageAsync(outsider, TestPeople.Password);
        using var outsiderApi = await _app.CreateSignedInClientAsync(outsider, TestPeople.Password);

        bool switched;
        using (var scope = await TestPeople.SignedInScopeAsync(_app, outsider))
        {
            switched = await scope.ServiceProvider.GetRequiredService<CurrentProject>()
                .SelectAsync(bravoId, CancellationToken.None);
        }

        var storedAfterSwitch = await SelectedProjectAsync(outsiderId);
        using var named = new HttpRequestMessage(HttpMethod.Get, new Uri("api/traces", UriKind.Relative));
        named.Headers.Add(UserApiAccess.ProjectHeader, bravoId);
        using var namedResponse = await outsiderApi.SendAsync(named);
        using var byId = await outsiderApi.GetAsync(new Uri($"api/traces/{bravoTrace}", UriKind.Relative));

        // A selection that names a project the person is not in (forged, or left from a membership since removed).
        await SetSelectedProjectAsync(outsiderId, bravoId);
        var listed = await outsiderApi.GetStringAsync(new Uri("api/traces", UriKind.Relative));
        await OpenTracesAsync(outsiderPage);
        var shownInputs = await outsiderPage.GetByTestId("trace-input").AllInnerTextsAsync();
        var switcherText = await outsiderPage.GetByTestId("project-switcher").InnerTextAsync();
        var traceResponse = await outsiderPage.GotoAsync(new Uri(_app.BaseAddress, $"traces/{bravoTrace}").ToString());

        Assert.False(switched);
        Assert.NotEqual(bravoId, storedAfterSwitch);
        Assert.Equal(HttpStatusCode.Forbidden, namedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Contains(AlphaInput, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(BravoInput, listed, StringComparison.Ordinal);
        Assert.Equal([AlphaInput], shownInputs.Select(t => t.Trim()).ToArray());
        Assert.Contains(ProjectBootstrapper.DefaultProjectName, switcherText, StringComparison.Ordinal);
        Assert.DoesNotContain(BravoName, switcherText, StringComparison.Ordinal);
        Assert.Equal(404, traceResponse?.Status);
        await Assertions.Expect(outsiderPage.GetByTestId("trace-not-found")).ToBeVisibleAsync();
        await Assertions.Expect(outsiderPage.GetByText(BravoInput)).ToHaveCountAsync(0);
    }

    /// <summary>Creates a project on the Projects page; returns its id and the secret shown once.</summary>
    private async Task<(string Id, string Secret)> CreateProjectAsync(IPage page, string name)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, "projects").ToString());
        await Assertions.Expect(page.Locator("[data-testid=projects-page][data-interactive=true]")).ToBeVisibleAsync();
        await page.Locator("input[data-testid=project-new-name], [data-testid=project-new-name] input").FillAsync(name);
        await page.GetByTestId("project-create").ClickAsync();
        var secret = (await page.GetByTestId("project-created-secret").InnerTextAsync()).Trim();
        await Assertions.Expect(page.GetByTestId("project-row-name")).ToHaveCountAsync(2);

        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var id = await db.Projects.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
        return (id, secret);
    }

    /// <summary>
    /// Picks a project in the app bar's switcher on the Projects page (loaded afresh, or as it stands, as right after
    /// creating a project there) and waits for the page to load again in it.
    /// </summary>
    private async Task SwitchAsync(IPage page, string projectName, bool reload)
    {
        if (reload)
        {
            await page.GotoAsync(new Uri(_app.BaseAddress, "projects").ToString());
        }

        await Assertions.Expect(page.Locator("[data-testid=projects-page][data-interactive=true]")).ToBeVisibleAsync();
        await page.GetByTestId("project-switcher").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item")
            .GetByText(projectName + " (admin)", new() { Exact = true })
            .ClickAsync();
        await Assertions.Expect(page.GetByTestId("project-row-name").Filter(new() { HasText = "current" }))
            .ToContainTextAsync(projectName);
    }

    private async Task OpenTracesAsync(IPage page)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, "traces").ToString());
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(1);
    }

    /// <summary>Sends one trace with the given input through the native API with a project's key.</summary>
    private async Task<string> IngestAsync(string secretKey, string input)
    {
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
        var traceId = OtlpRequests.NewTraceId();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var response = await client.PostAsJsonAsync(
            new Uri("api/ingest", UriKind.Relative),
            new
            {
                traces = new[]
                {
                    new
                    {
                        id = traceId,
                        name = "chat",
                        startTime = start.ToString("O"),
                        endTime = start.AddSeconds(1).ToString("O"),
                        input,
                        output = "an answer",
                    },
                },
            });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return traceId;
    }

    private async Task<string?> SelectedProjectAsync(string userId)
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.SelectedProjectId).SingleAsync();
    }

    private async Task SetSelectedProjectAsync(string userId, string projectId)
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.SelectedProjectId, projectId));
    }
}
