using System.Net;
using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Hosting;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_FreshDataDirectory_ReportsStoreReadyAndCreatesDatabase()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient(authenticated: false);

        var response = await client.GetAsync(new Uri("health", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body!["store"]);
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "llmobserve.db")));
    }

    [Fact]
    public async Task TracePage_FreshStart_ServesStylesheetsOfTheComponentLibrary()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient(authenticated: false);

        var css = await client.GetAsync(new Uri("_content/MudBlazor/MudBlazor.min.css", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.True((await css.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }
}
