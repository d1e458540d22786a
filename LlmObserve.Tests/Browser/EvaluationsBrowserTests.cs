using System.Text.RegularExpressions;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Settings › Judge endpoints and the Evaluations page in Chromium: an endpoint added after a connection test, an
/// evaluator created on the page (its custom prompt's unknown variable shown beside the field first), and the job's
/// work appearing in the evaluator's row as it happens.
/// </summary>
public sealed class EvaluationsBrowserTests : IAsyncLifetime
{
    private EvaluationHarness _harness = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _harness = await EvaluationHarness.StartAsync();
        _harness.Judge.Fallback = FakeJudgeServer.Completion("""{"score": 0.9, "explanation": "Supported."}""");
        _browser = await BrowserSession.StartAsync(_harness.App);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Pages_EndpointAndEvaluatorCreatedOnThePages_TheEvaluatorsRowShowsItsScoredTrace()
    {
        var page = _browser.Page;
        await OpenAsync(page, "settings/judges", "judges-page");
        await page.GetByTestId("judge-add").ClickAsync();
        await Field(page, "judge-name").FillAsync("local judge");
        await Field(page, "judge-base-url").FillAsync(_harness.JudgeBaseUrl.ToString());
        await Field(page, "judge-model").FillAsync("judge-model");
        await Field(page, "judge-api-key").FillAsync(EvaluationHarness.JudgeKey);
        await page.GetByTestId("judge-test").ClickAsync();
        var callWait = new LocatorAssertionsToContainTextOptions { Timeout = 30_000 };
        await Assertions.Expect(page.GetByTestId("judge-test-result"))
            .ToContainTextAsync("answered as judge-model", callWait);
        await page.GetByTestId("judge-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("judge-notice")).ToContainTextAsync("a key is set", callWait);
        await Assertions.Expect(page.GetByTestId("judge-row-key")).ToHaveTextAsync("set");
        Assert.DoesNotContain(EvaluationHarness.JudgeKey, await page.ContentAsync(), StringComparison.Ordinal);

        await OpenAsync(page, "evaluations", "evaluations-page");
        await page.GetByTestId("evaluator-add").ClickAsync();
        await Field(page, "evaluator-name").FillAsync("page-judge");
        await ChooseAsync(page, "evaluator-template", "custom");
        await Field(page, "evaluator-prompt").FillAsync("Is {{answer}} supported by {{context}}?");
        var promptField = page.Locator("[data-field='judge.prompt']");
        await Assertions.Expect(promptField).ToContainTextAsync("Unknown variable {{answer}}");
        await page.GetByTestId("evaluator-save").ClickAsync();
        await Assertions.Expect(promptField).ToContainTextAsync("Unknown variable {{answer}}; the known ones are");

        await Field(page, "evaluator-prompt").FillAsync("Is the ANSWER {{output}} supported by {{context}}?");
        await Assertions.Expect(promptField).Not.ToContainTextAsync("Unknown variable");
        await page.GetByTestId("evaluator-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("evaluation-notice")).ToContainTextAsync("page-judge", callWait);
        var row = page.Locator("tr", new() { Has = page.GetByTestId("evaluator-row-name").GetByText("page-judge") });
        await Assertions.Expect(row.GetByTestId("evaluator-row-state")).ToHaveTextAsync("active");
        await Assertions.Expect(row.GetByTestId("evaluator-row-scored")).ToHaveTextAsync("0");

        await _harness.IngestAsync(TestTrace.Rag(), TestTrace.WithoutContext());

        // The page follows the job by itself (it reloads every 2 s); the job may be slow on a busy machine.
        var jobWait = new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 };
        await Assertions.Expect(row.GetByTestId("evaluator-row-scored")).ToHaveTextAsync("1", jobWait);
        await Assertions.Expect(row.GetByTestId("evaluator-row-skipped")).ToHaveTextAsync("1", jobWait);
        await row.GetByTestId("evaluator-row-name").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("evaluator=ev-"));
        await Assertions.Expect(page.GetByTestId("evaluator-status-skip")).ToContainTextAsync("no retrieved context");
        var budget = page.GetByTestId("evaluator-status-budget");
        await Assertions.Expect(budget).ToContainTextAsync("120 tokens in 1 call,");

        await row.GetByTestId("evaluator-backfill").ClickAsync();
        await Field(page, "backfill-from").FillAsync("2020-01-01");
        await Field(page, "backfill-to").FillAsync("2019-01-01");
        await page.GetByTestId("backfill-submit").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("must come after its start");
        await Field(page, "backfill-to").FillAsync("2020-02-01");
        await page.GetByTestId("backfill-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("evaluation-notice")).ToContainTextAsync("Backfill of 'page-judge'");
        await Assertions.Expect(page.GetByTestId("evaluator-status-backfill")).ToContainTextAsync("2020-01-01 00:00");
    }

    private static ILocator Field(IPage page, string testId)
        => page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], "
            + $"[data-testid={testId}] input, [data-testid={testId}] textarea");

    /// <summary>Opens a MudSelect and picks the item with exactly this text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string item)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(item, new() { Exact = true }).ClickAsync();
    }

    private async Task OpenAsync(IPage page, string path, string pageTestId)
    {
        await page.GotoAsync(new Uri(_harness.App.BaseAddress, path).ToString());

        // The page marks itself once its circuit is up and its buttons answer.
        await Assertions.Expect(page.Locator($"[data-testid={pageTestId}][data-interactive=true]")).ToBeVisibleAsync();
    }
}
