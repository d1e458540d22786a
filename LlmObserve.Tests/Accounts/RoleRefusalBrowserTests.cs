using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// A write action the person's role does not allow, clicked anyway in Chromium: the server refuses it, the page says
/// which role is needed and goes on working, and nothing is stored.
/// </summary>
public sealed class RoleRefusalBrowserTests : IAsyncLifetime
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
    public async Task Viewer_AddToDataset_IsRefusedWithTheRoleNeededAndThePageKeepsWorking()
    {
        using var client = _app.CreateClient();
        var trace = TestTrace.Rag();
        var ingest = await client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[] { new { id = trace.Id, name = "support", input = trace.Input, output = trace.Output } },
        });
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        await TestPeople.AddAsync(_app, "looker@test.example", ProjectRole.Viewer);
        var page = await _browser.NewContextPageAsync("looker@test.example", TestPeople.Password);

        await page.GotoAsync(new Uri(_app.BaseAddress, $"traces/{trace.Id}").ToString());
        // The zone label changes once the interactive circuit runs; a click before that would be lost.
        await Assertions.Expect(page.GetByText("Times in")).ToContainTextAsync("Berlin");
        await page.GetByTestId("add-to-dataset-button").ClickAsync();

        await Assertions.Expect(page.Locator(".mud-snackbar"))
            .ToContainTextAsync("You need the member role in project");
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("page-error")).ToHaveCountAsync(0);
        // The circuit lives: the page is back and still answers a click.
        await page.GetByTestId("add-to-dataset-button").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).Not.ToHaveCountAsync(0);
        var datasets = await client.GetFromJsonAsync<JsonElement>("api/datasets");
        Assert.Equal(0, datasets.GetArrayLength());
    }
}
