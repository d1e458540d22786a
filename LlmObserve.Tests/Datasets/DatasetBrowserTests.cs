using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Datasets;

/// <summary>In Chromium: a trace joins a dataset from its page in one click; its expected output is edited.</summary>
public sealed class DatasetBrowserTests : IAsyncLifetime
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
    public async Task TraceView_AddToDataset_CreatesTheDatasetWithTheCase_AndTheExpectedOutputIsEditable()
    {
        using var client = _app.CreateClient();
        var trace = TestTrace.Rag();
        var ingest = await client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[] { new { id = trace.Id, name = "support", input = trace.Input, output = trace.Output } },
        });
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, $"traces/{trace.Id}").ToString());
        // The zone label changes once the interactive circuit runs; a click before that would be lost.
        await Assertions.Expect(page.GetByText("Times in")).ToContainTextAsync("Berlin");
        await page.GetByTestId("add-to-dataset-button").ClickAsync();

        await Assertions.Expect(page.GetByTestId("add-to-dataset-message"))
            .ToHaveTextAsync("Added to Regressions (version 1).");
        var datasets = await client.GetFromJsonAsync<JsonElement>("api/datasets");
        var datasetId = datasets[0].GetProperty("id").GetString()!;
        var detail = await client.GetFromJsonAsync<JsonElement>($"api/datasets/{datasetId}");
        var item = detail.GetProperty("items")[0];
        Assert.Equal(trace.Input, item.GetProperty("input").GetString());
        Assert.Equal(trace.Id, item.GetProperty("sourceTraceId").GetString());

        await page.GotoAsync(new Uri(_app.BaseAddress, "datasets").ToString());
        await page.GetByTestId("dataset-row").First.ClickAsync();
        var row = page.GetByTestId("dataset-item");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(trace.Input);
        var expected = row.Locator("textarea").First;
        await Assertions.Expect(expected).ToHaveValueAsync(trace.Output);
        await expected.FillAsync("It fell on 9 November 1989.");
        await expected.BlurAsync();
        await row.GetByTestId("dataset-item-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("dataset-version")).ToContainTextAsync("version 2");
        var edited = await client.GetFromJsonAsync<JsonElement>($"api/datasets/{datasetId}");
        Assert.Equal(
            "It fell on 9 November 1989.",
            edited.GetProperty("items")[0].GetProperty("expectedOutput").GetString());
    }
}
