using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// Calibration in Chromium: a reviewer signed in to their own account labels a queue with the keyboard, and the
/// calibration page (an admin's) shows the confusion matrix those labels imply against the judge's verdicts; a judge
/// with too few labels says so instead of figures.
/// </summary>
public sealed class CalibrationBrowserTests : IAsyncLifetime
{
    // Per trace: the judge's verdict and the label the reviewer will give. 2 both fail, 1 judge fail / human pass,
    // 1 judge pass / human fail, 1 both pass.
    private static readonly (bool Judge, bool Human)[] Verdicts =
        [(false, false), (false, false), (false, true), (true, false), (true, true)];

    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private string[] _traceIds = [];

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Calibration:MinimumPairs"] = "4",
        });
        _client = _app.CreateClient();
        var traces = Verdicts.Select((_, n) => new
        {
            name = "support",
            input = $"Question {n}?",
            output = $"Answer {n}.",
            startTime = DateTimeOffset.UtcNow.AddMinutes(-10 + n),
        });
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        _traceIds = [.. body.GetProperty("traceIds").EnumerateArray().Select(t => t.GetString()!)];
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task CalibrationPage_AfterKeyboardLabelling_ShowsTheConfusionMatrixTheLabelsImply()
    {
        var judge = await CalibrationTestData.AddJudgeAsync(_app, "correctness", "correctness");
        var other = await CalibrationTestData.AddJudgeAsync(_app, "safety", "safety");
        for (var i = 0; i < _traceIds.Length; i++)
        {
            var correct = Verdicts[i].Judge;
            await CalibrationTestData.AddVerdictAsync(
                _app, judge, "correctness", _traceIds[i], correct ? "correct" : "incorrect", correct ? 1 : 0);
        }

        await CalibrationTestData.AddVerdictAsync(_app, other, "safety", _traceIds[0], "safe", 1);
        var queue = await CreateQueueAsync();
        await TestPeople.AddAsync(_app, "ann@test.example", ProjectRole.Reviewer);
        await using var browser = await BrowserSession.StartAsync(_app, signIn: false);
        var page = browser.Page;
        await browser.SignInAsync(page, "ann@test.example", TestPeople.Password);

        await page.GotoAsync($"{_app.BaseAddress}annotation/{queue}");
        for (var i = 0; i < _traceIds.Length; i++)
        {
            var item = page.GetByTestId("review-item");
            await Assertions.Expect(item).ToBeVisibleAsync();
            var traceId = await item.GetAttributeAsync("data-trace-id");
            var human = Verdicts[Array.IndexOf(_traceIds, traceId)].Human;
            await page.Keyboard.PressAsync(human ? "1" : "2");
            await Assertions.Expect(page.Locator("[data-chosen=true]")).ToHaveCountAsync(1);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("review-verdicts")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("review-verdicts")).ToBeHiddenAsync();
        }

        await Assertions.Expect(page.GetByTestId("review-done")).ToBeVisibleAsync();
        var admin = await browser.NewContextPageAsync();
        await admin.GotoAsync($"{_app.BaseAddress}calibration?bucket=day");

        var correctness = admin.Locator("[data-testid=calibration-evaluator][data-evaluator-name=correctness]");
        await Assertions.Expect(correctness.GetByTestId("calibration-pairs")).ToHaveTextAsync("5");
        await Assertions.Expect(correctness.GetByTestId("matrix-judge-fail-human-fail")).ToHaveTextAsync("2");
        await Assertions.Expect(correctness.GetByTestId("matrix-judge-fail-human-pass")).ToHaveTextAsync("1");
        await Assertions.Expect(correctness.GetByTestId("matrix-judge-pass-human-fail")).ToHaveTextAsync("1");
        await Assertions.Expect(correctness.GetByTestId("matrix-judge-pass-human-pass")).ToHaveTextAsync("1");
        await Assertions.Expect(correctness.GetByTestId("calibration-agreement")).ToHaveTextAsync("60.0 %");
        await Assertions.Expect(correctness.GetByTestId("calibration-precision")).ToHaveTextAsync("66.7 %");
        await Assertions.Expect(correctness.GetByTestId("calibration-recall")).ToHaveTextAsync("66.7 %");
        await Assertions.Expect(correctness.GetByTestId("calibration-kappa")).ToHaveTextAsync("0.167");
        await Assertions.Expect(correctness.Locator(".overview-chart")).ToBeVisibleAsync();
        var safety = admin.Locator("[data-testid=calibration-evaluator][data-evaluator-name=safety]");
        await Assertions.Expect(safety.GetByTestId("calibration-not-enough"))
            .ToContainTextAsync("Not enough labels (n = 0)");
        await Assertions.Expect(safety.GetByTestId("calibration-matrix")).ToHaveCountAsync(0);
    }

    private async Task<string> CreateQueueAsync()
    {
        using var response = await _client.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "correctness check",
            filter = "name=support",
            scoreConfigs = new[] { new { name = "correctness", kind = "boolean" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
