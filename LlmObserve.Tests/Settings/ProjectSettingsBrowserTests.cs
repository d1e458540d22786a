using System.Net;
using System.Text.RegularExpressions;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Settings;

/// <summary>
/// Settings › Project in Chromium: renaming, a retention with the sentence that says what it purges, and deletion,
/// which waits for the project's exact name before it lets the button work and then lands on the Projects page.
/// </summary>
public sealed partial class ProjectSettingsBrowserTests : IAsyncLifetime
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
    public async Task ProjectSettings_RenameRetentionAndDelete_WorkFromThePage()
    {
        var page = _browser.Page;
        var projects = _app.GetRequiredService<ProjectService>();
        var projectId = (await projects.ListAsync(CancellationToken.None))[0].Id;
        await page.GotoAsync(new Uri(_app.BaseAddress, "settings/project").ToString());
        await Assertions.Expect(page.Locator("[data-testid=project-settings-page][data-interactive=true]"))
            .ToBeVisibleAsync();

        await page.Locator("input[data-testid=project-name]").FillAsync("  Checkout assistant ");
        await page.GetByTestId("project-rename").ClickAsync();
        await Assertions.Expect(page.GetByTestId("project-notice")).ToHaveTextAsync("Renamed.");
        await page.Locator("input[data-testid=project-retention]").FillAsync("45");
        await Assertions.Expect(page.GetByTestId("project-retention-sentence"))
            .ToContainTextAsync("Traces that started more than 45 days ago are purged");
        await page.GetByTestId("project-retention-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("project-notice")).ToContainTextAsync("Saved:");
        var saved = await projects.GetAsync(projectId, CancellationToken.None);

        await page.GetByTestId("project-delete").ClickAsync();
        var confirm = page.GetByTestId("project-delete-confirm");
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await page.Locator("input[data-testid=project-delete-confirmation]").FillAsync("checkout assistant");
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await page.Locator("input[data-testid=project-delete-confirmation]").FillAsync("Checkout assistant");
        await Assertions.Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(ProjectsPage());
        await Assertions.Expect(page.GetByTestId("projects-deleted")).ToContainTextAsync("Checkout assistant");
        await Assertions.Expect(page.GetByTestId("projects-empty")).ToBeVisibleAsync();
        using var client = _app.CreateClient();
        using var read = await client.GetAsync(new Uri("api/project", UriKind.Relative));

        Assert.Equal("Checkout assistant", saved!.Name);
        Assert.Equal(45, saved.RetentionDays);
        Assert.Null(await projects.GetAsync(projectId, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
    }

    [GeneratedRegex("/projects\\?deleted=")]
    private static partial Regex ProjectsPage();
}
