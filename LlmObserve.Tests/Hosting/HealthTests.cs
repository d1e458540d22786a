using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Ingestion.Writer;
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
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body!["store"].ToString());
        Assert.Equal("ok", body["ingestion"].ToString());
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "llmobserve.db")));
    }

    [Fact]
    public async Task Health_AfterTheWriterStopped_Reports503()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient(authenticated: false);
        await app.GetRequiredService<GroupCommitSpanWriter>().StopAsync(CancellationToken.None);

        var response = await client.GetAsync(new Uri("health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"ingestion\":\"stopped\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
