using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using LlmObserve.Web.Traces;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// How tokens and costs read on the overview, the trace list and a trace in Chromium at 1400×900: estimated counts
/// marked "~" with the same tooltip everywhere, "unpriced" told apart from "no usage", small costs and long model ids
/// never cut, and a parent whose usage its children repeat marked as not counted.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class CostDisplayBrowserTests : IAsyncLifetime
{
    private const string LongModel = "claude-3-5-sonnet-20241022-v2:0-us-east-1-provisioned-throughput-deployment";

    private static readonly string _estimated = Id(1);
    private static readonly string _unpriced = Id(2);
    private static readonly string _noUsage = Id(3);
    private static readonly string _nested = Id(4);

    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        await _browser.Page.SetViewportSizeAsync(1400, 900);
        _client = _app.CreateClient();
        await IngestAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TraceList_EstimatedUnpricedAndNoUsage_EachReadsAsWhatItIs()
    {
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces").ToString());
        await Assertions.Expect(page.GetByTestId("trace-row")).ToHaveCountAsync(4);

        var estimatedTokens = Row(page, _estimated).GetByTestId("trace-tokens").Locator("[data-estimated=true]");
        await Assertions.Expect(estimatedTokens).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^~[0-9]"));
        await Assertions.Expect(estimatedTokens).ToHaveAttributeAsync("title", TraceFormat.EstimatedTitle);
        await Assertions.Expect(Row(page, _unpriced).GetByTestId("trace-tokens")).ToHaveTextAsync("12");
        await Assertions.Expect(Row(page, _unpriced).GetByTestId("trace-cost")).ToHaveTextAsync("unpriced");
        await Assertions.Expect(Row(page, _noUsage).GetByTestId("trace-cost")).ToHaveTextAsync("–");
        await Assertions.Expect(Row(page, _nested).GetByTestId("trace-cost")).ToHaveTextAsync("$0.000024");
    }

    [Fact]
    public async Task TraceHeader_EstimatedTokens_MarkedAsInTheList()
    {
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + _estimated).ToString());
        await page.GetByTestId("trace-detail-page").WaitForAsync();

        var marks = page.GetByTestId("trace-tokens").Locator("[data-estimated=true]");
        await Assertions.Expect(marks).ToHaveCountAsync(3);
        await Assertions.Expect(marks.First).ToHaveAttributeAsync("title", TraceFormat.EstimatedTitle);
        Assert.All(await marks.AllTextContentsAsync(), text => Assert.StartsWith("~", text, StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("trace-cost")).Not.ToHaveTextAsync("unpriced");

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + _unpriced).ToString());
        await Assertions.Expect(page.GetByTestId("trace-cost")).ToHaveTextAsync("unpriced");
        await Assertions.Expect(page.GetByTestId("trace-tokens").Locator("[data-estimated=true]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SpanTree_SmallCostLongModelAndRepeatedUsage_ShownWholeAndMarked()
    {
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "traces/" + _nested).ToString());
        await Assertions.Expect(page.GetByTestId("span-row")).ToHaveCountAsync(4);

        // The child's cost is whole and inside its row; the long model id yields, with its full id as a tooltip.
        var child = page.Locator($"[data-span-id='{SpanId(2)}']");
        var cost = child.GetByTestId("span-cost");
        await Assertions.Expect(cost).ToHaveTextAsync("$0.000012");
        var costBox = await cost.BoundingBoxAsync();
        var cellBox = await child.Locator(".span-cell").BoundingBoxAsync();
        Assert.True(
            costBox!.X + costBox.Width <= cellBox!.X + cellBox.Width,
            $"The cost ends at {costBox.X + costBox.Width}, past its cell's end at {cellBox.X + cellBox.Width}.");
        Assert.True(await cost.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"));
        await Assertions.Expect(child.GetByTestId("span-model")).ToHaveAttributeAsync("title", LongModel);

        // The parent repeats its two children's usage: marked, and left out of the trace's $0.000024.
        var parent = page.Locator($"[data-span-id='{SpanId(1)}']");
        await Assertions.Expect(parent.GetByTestId("span-excluded")).ToHaveTextAsync("included in children");
        await Assertions.Expect(child.GetByTestId("span-excluded")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("trace-cost")).ToHaveTextAsync("$0.000024");

        await parent.ClickAsync();
        await Assertions.Expect(page.GetByTestId("span-detail-excluded")).ToContainTextAsync("included in children");
    }

    [Fact]
    public async Task Overview_EstimatedTokens_KpiAndTopTraceMarked()
    {
        var page = _browser.Page;

        await page.GotoAsync(new Uri(_app.BaseAddress, "overview?range=24h").ToString());

        var kpi = page.GetByTestId("kpi-tokens-value").Locator("[data-estimated=true]");
        await Assertions.Expect(kpi).ToHaveAttributeAsync("title", TraceFormat.EstimatedTitle);
        await Assertions.Expect(kpi).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^~[0-9]"));
        var estimatedRow = page.GetByTestId("top-traces").Locator("tr", new() { HasText = "estimated-trace" });
        await Assertions.Expect(estimatedRow.Locator("[data-estimated=true]")).ToHaveCountAsync(1);
        var nestedRow = page.GetByTestId("top-traces").Locator("tr", new() { HasText = "nested-trace" });
        await Assertions.Expect(nestedRow).ToContainTextAsync("$0.000024");
        await Assertions.Expect(nestedRow.Locator("[data-estimated=true]")).ToHaveCountAsync(0);
    }

    private static ILocator Row(IPage page, string traceId) => page.Locator($"[data-trace-id='{traceId}']");

    private static string Id(int n) => "c05d" + n.ToString("x28");

    private static string SpanId(int n) => n.ToString("x16");

    private async Task IngestAsync()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        object Generation(int span, int? parent, string model, object? usage, double? cost) => new
        {
            id = SpanId(span),
            parentId = parent is { } p ? SpanId(p) : null,
            name = "chat " + span,
            type = "generation",
            model,
            startTime = start.AddSeconds(span),
            endTime = start.AddSeconds(span + 1),
            input = new[] { new { role = "user", content = "How do I reset my password on the sign-in page?" } },
            output = "Use the reset link on the sign-in page, then follow the email.",
            usage,
            cost,
        };

        var body = new
        {
            traces = new object[]
            {
                new
                {
                    id = _estimated,
                    name = "estimated-trace",
                    spans = new[] { Generation(1, null, "gpt-4o", null, null) },
                },
                new
                {
                    id = _unpriced,
                    name = "unpriced-trace",
                    spans = new[] { Generation(1, null, "acme-unlisted-model", new { input = 10, output = 2 }, null) },
                },
                new
                {
                    id = _noUsage,
                    name = "no-usage-trace",
                    spans = new object[] { new { id = SpanId(1), name = "lookup", type = "tool" } },
                },
                new
                {
                    id = _nested,
                    name = "nested-trace",
                    spans = new[]
                    {
                        Generation(1, null, "gpt-4o", new { input = 20, output = 4 }, 0.000024),
                        Generation(2, 1, LongModel, new { input = 10, output = 2 }, 0.000012),
                        Generation(3, 1, LongModel, new { input = 10, output = 2 }, 0.000012),
                    },
                },
            },
        };

        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
        using var response = await _client.PostAsJsonAsync("api/ingest", body, json);
        response.EnsureSuccessStatusCode();
        await TraceApi.WaitForTraceAsync(_client, _nested, 4);
    }
}
