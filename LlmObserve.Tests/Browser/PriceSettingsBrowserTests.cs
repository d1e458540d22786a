using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LlmObserve.Core.Costs;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Settings › Model prices in Chromium: a price added for a new model shows in the table, a negative price is refused
/// beside its field, and a span ingested afterwards is priced with the new entry.
/// </summary>
public sealed class PriceSettingsBrowserTests : IAsyncLifetime
{
    private const string ModelId = "acme-chat-1";

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Prices_PriceAddedForANewModel_ListedRefusesANegativePriceAndPricesTheNextSpan()
    {
        var page = _browser.Page;
        await OpenAsync(page, "settings/prices");

        await page.GetByTestId("price-add").ClickAsync();
        await FillAsync(page, "price-match", ModelId);
        await FillAsync(page, "price-input", "2");
        await FillAsync(page, "price-output", "4");
        await page.GetByTestId("price-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("price-notice")).ToContainTextAsync(ModelId);

        await CommitAsync(page, "price-filter", ModelId);

        // The URL changes before the server redraws the table: wait for the filtered rows, not the old ones.
        await Assertions.Expect(page.GetByTestId("price-row-match")).ToHaveCountAsync(1);
        var row = page.Locator("tr", new()
        {
            Has = page.GetByTestId("price-row-match").GetByText(ModelId, new() { Exact = true }),
        });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("price-row-input")).ToHaveTextAsync("$2.00");
        await Assertions.Expect(row.GetByTestId("price-row-output")).ToHaveTextAsync("$4.00");
        await Assertions.Expect(row.GetByTestId("price-row-origin")).ToHaveTextAsync("custom");

        await row.GetByTestId("price-change").ClickAsync();
        await FillAsync(page, "price-input", "-1");
        await page.GetByTestId("price-save").ClickAsync();
        var inputField = page.Locator($"[data-field={nameof(ModelPrice.InputPerMillion)}]");
        await Assertions.Expect(inputField).ToContainTextAsync("Input price must not be negative.");
        await Assertions.Expect(page.GetByTestId("price-form")).ToBeVisibleAsync();
        await page.GetByTestId("price-cancel").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await CommitAsync(page, "price-probe-model", ModelId);
        await Assertions.Expect(page.GetByTestId("price-probe-priced")).ToContainTextAsync($"{ModelId} exactly");

        var traceId = Guid.NewGuid().ToString("N");
        await IngestAsync(traceId);
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 2);
        var span = trace.Spans.Single(s => s.Model == ModelId);

        // 1,000 input tokens at $2 and 500 output tokens at $4 per million.
        Assert.Equal(0.004, span.Cost!.Value, precision: 12);
        Assert.False(span.CostReported);
    }

    [Fact]
    public async Task Prices_WindowOf1400By900_EveryRowsButtonsCanBeClickedWhereTheyAre()
    {
        var page = _browser.Page;
        await page.SetViewportSizeAsync(1400, 900);
        await OpenAsync(page, "settings/prices");

        // The built-in prices fill the table; their source texts are long. Each button must be on screen and be
        // what a click at its centre reaches, without scrolling the table sideways first.
        var buttons = page.Locator(
            "[data-testid=price-change], [data-testid=price-correct], [data-testid=price-delete]");
        await Assertions.Expect(buttons.First).ToBeVisibleAsync();
        var reachable = await buttons.EvaluateAllAsync<bool[]>("""
            buttons => buttons.slice(0, 30).map(b => {
                const r = b.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (r.width === 0 || r.left < 0 || r.right > window.innerWidth) return false;
                if (y < 0 || y > window.innerHeight) return true;
                const hit = document.elementFromPoint(x, y);
                return hit !== null && b.contains(hit);
            })
            """);

        Assert.NotEmpty(reachable);
        Assert.All(reachable, Assert.True);
        await buttons.First.ClickAsync(new() { Trial = true, Timeout = 2_000 });
    }

    [Fact]
    public async Task Prices_PriceOutOfRange_RefusedBesideTheFieldThatStillShowsIt()
    {
        var page = _browser.Page;
        await OpenAsync(page, "settings/prices");

        await page.GetByTestId("price-add").ClickAsync();
        await FillAsync(page, "price-match", ModelId);
        await FillAsync(page, "price-input", "2");
        await FillAsync(page, "price-output", "4");
        await FillAsync(page, "price-cache-read", "1e400");
        await Field(page, "price-cache-read").BlurAsync();
        await page.GetByTestId("price-save").ClickAsync();

        var field = page.Locator($"[data-field={nameof(ModelPrice.CacheReadPerMillion)}]");
        await Assertions.Expect(field).ToContainTextAsync("out of range");
        await Assertions.Expect(Field(page, "price-cache-read")).ToHaveValueAsync("1e400");
        await Assertions.Expect(page.GetByTestId("price-notice")).ToHaveCountAsync(0);
    }

    private static async Task FillAsync(IPage page, string testId, string value)
        => await Field(page, testId).FillAsync(value);

    /// <summary>Types into a field whose value goes to the URL, and waits for the URL to carry it.</summary>
    private static async Task CommitAsync(IPage page, string testId, string value)
    {
        var field = Field(page, testId);
        await field.FillAsync(value);
        await field.PressAsync("Enter");

        // Leaving the field commits it too, should the Enter have come before the field was listening.
        await field.BlurAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(value)));
    }

    private static ILocator Field(IPage page, string testId)
        => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input");

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());

        // The page marks itself once its circuit is up and its buttons answer.
        await Assertions.Expect(page.Locator("[data-testid=prices-page][data-interactive=true]")).ToBeVisibleAsync();
    }

    private async Task IngestAsync(string traceId)
    {
        var body = new
        {
            traces = new[]
            {
                new
                {
                    id = traceId,
                    name = "priced-after-settings",
                    spans = new[]
                    {
                        new
                        {
                            name = "chat " + ModelId,
                            type = "generation",
                            model = ModelId,
                            usage = new { input = 1000, output = 500 },
                        },
                    },
                },
            },
        };

        using var response = await _client.PostAsJsonAsync("api/ingest", body);
        response.EnsureSuccessStatusCode();
    }
}
