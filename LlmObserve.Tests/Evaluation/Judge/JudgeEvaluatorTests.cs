using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmObserve.Tests.Evaluation.Judge;

public sealed class JudgeEvaluatorTests
{
    private const string GroundedJson =
        """{"label": "grounded", "score": 0.9, "explanation": "The date is in the context."}""";

    [Fact]
    public async Task Evaluate_BareJsonReply_StoresScoreLabelExplanationAndUsage()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Enqueue(FakeJudgeServer.Completion(GroundedJson, promptTokens: 1000, completionTokens: 500));
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, result.Outcome);
        Assert.Equal(0.9, result.Score);
        Assert.Equal("grounded", result.Label);
        Assert.Equal("The date is in the context.", result.Explanation);
        Assert.Equal(1500, result.Usage.TotalTokens);
        Assert.Equal((1000 * 2m + 500 * 8m) / 1_000_000m, result.Usage.Cost);
        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + JudgeHarness.Key, request.Authorization);
        Assert.Equal("judge-model", request.Body.GetProperty("model").GetString());
        Assert.Equal("json_object", request.Body.GetProperty("response_format").GetProperty("type").GetString());
        var prompt = request.Body.GetProperty("messages")[1].GetProperty("content").ToString();
        Assert.Contains("[1] The Berlin Wall fell on the night of 9 November 1989.", prompt);
        Assert.Contains("The Berlin Wall fell on 9 November 1989.", prompt);
    }

    [Fact]
    public async Task Evaluate_AzureOpenAIDeployment_CallsTheDeploymentPathWithTheApiKeyHeader()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Enqueue(FakeJudgeServer.Completion(GroundedJson));
        var options = new JudgeEndpointOptions
        {
            Provider = JudgeProvider.AzureOpenAI,
            Endpoint = harness.Server.BaseAddress,
            Model = "judge-deployment",
            ApiKey = JudgeHarness.Key,
        };
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, options);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, result.Outcome);
        Assert.Equal(0.9, result.Score);
        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("/openai/deployments/judge-deployment/chat/completions", request.Path);
        Assert.Equal(JudgeHarness.Key, request.ApiKey);
    }

    [Theory]
    [InlineData("Sure! Here is my verdict: " + GroundedJson + " Let me know if you need more.")]
    [InlineData("```json\n" + GroundedJson + "\n```")]
    [InlineData("My reasoning first.\n```\n" + GroundedJson + "\n```\nThat is all.")]
    public async Task Evaluate_WrappedJsonReply_IsParsed(string reply)
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Enqueue(FakeJudgeServer.Completion(reply));
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, result.Outcome);
        Assert.Equal(0.9, result.Score);
        Assert.Equal("grounded", result.Label);
        Assert.Equal(reply, result.RawReply);
    }

    [Fact]
    public async Task Evaluate_GarbageReply_IsUnparseableWithTheRawTextAndNoScore()
    {
        await using var harness = await JudgeHarness.StartAsync();
        const string garbage = "I'm sorry, as an AI I would rather talk about the weather.";
        harness.Server.Enqueue(FakeJudgeServer.Completion(garbage));
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Unparseable, result.Outcome);
        Assert.Null(result.Score);
        Assert.Null(result.Label);
        Assert.Equal(garbage, result.RawReply);
        Assert.Equal(120, result.Usage.TotalTokens);
    }

    [Fact]
    public async Task Evaluate_TraceWithoutContext_IsSkippedWithTheReasonAndTheJudgeIsNotAsked()
    {
        await using var harness = await JudgeHarness.StartAsync();
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace with { RetrievedContext = [] });

        Assert.Equal(JudgeOutcome.Skipped, result.Outcome);
        Assert.Contains("no retrieved context", result.Explanation);
        Assert.Null(result.Score);
        Assert.Empty(harness.Server.Requests);
    }

    [Fact]
    public async Task Evaluate_CorrectnessWithoutExpectedOutput_IsSkippedWithTheReason()
    {
        await using var harness = await JudgeHarness.StartAsync();
        var evaluator = harness.Evaluator(JudgeTemplates.Correctness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Skipped, result.Outcome);
        Assert.Contains("no expected output", result.Explanation);
        Assert.Empty(harness.Server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Evaluate_429WithRetryAfter_RetriesOnlyAfterTheWait(bool asHttpDate)
    {
        await using var harness = await JudgeHarness.StartAsync();
        var time = new ObservedTimeProvider(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, default)));
        var retryAfter = asHttpDate ? time.GetUtcNow().AddSeconds(7).ToString("r") : "7";
        harness.Server.Enqueue(FakeJudgeServer.Status(429, retryAfter), FakeJudgeServer.Completion(GroundedJson));
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, time: time);

        var evaluation = evaluator.EvaluateAsync(JudgeHarness.RagTrace);
        await Poll.UntilAsync(
            () => Task.FromResult(time.Timers.Contains(TimeSpan.FromSeconds(7))),
            "the engine to wait the 7 s the server asked for");
        time.Fake.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Delay(150);
        var requestsBeforeTheWaitEnded = harness.Server.Requests.Count;
        time.Fake.Advance(TimeSpan.FromSeconds(0.1));
        var result = await evaluation.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, requestsBeforeTheWaitEnded);
        Assert.Equal(JudgeOutcome.Scored, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, harness.Server.Requests.Count);
    }

    [Fact]
    public async Task Evaluate_429UntilAttemptsRunOut_IsVisiblyRateLimited()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Fallback = FakeJudgeServer.Status(429, "0");
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, harness.OpenAICompatible(maxAttempts: 3));

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.RateLimited, result.Outcome);
        Assert.Null(result.Score);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, harness.Server.Requests.Count);
        Assert.Contains("Rate limited", result.Explanation);
    }

    [Fact]
    public async Task Evaluate_ServerErrorThenReply_RetriesWithBackoffAndScores()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Enqueue(
            FakeJudgeServer.Status(503),
            FakeJudgeServer.Status(500),
            FakeJudgeServer.Completion(GroundedJson));
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, harness.OpenAICompatible(maxAttempts: 3));

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, result.Outcome);
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public async Task Evaluate_WrongKey_FailsAtOnceWithoutRetrying()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Fallback = FakeJudgeServer.Status(401);
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness);

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Failed, result.Outcome);
        Assert.Contains("refused the key", result.Explanation);
        Assert.Single(harness.Server.Requests);
    }

    [Fact]
    public async Task Evaluate_HangingEndpoint_TimesOutOnEveryAttempt()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Fallback = FakeJudgeServer.Hang;
        var options = harness.OpenAICompatible(timeout: TimeSpan.FromMilliseconds(300), maxAttempts: 2);
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, options);
        var clock = Stopwatch.StartNew();

        var result = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.TimedOut, result.Outcome);
        Assert.Null(result.Score);
        Assert.Equal(2, result.Attempts);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Evaluate_DailyTokenBudgetReached_StopsCallsUntilTheNextDay()
    {
        await using var harness = await JudgeHarness.StartAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, default));
        harness.Server.Fallback = FakeJudgeServer.Completion(GroundedJson, promptTokens: 100, completionTokens: 20);
        var evaluator = harness.Evaluator(
            JudgeTemplates.Groundedness,
            budget: new JudgeBudget(MaxTokensPerDay: 200),
            time: time);

        var first = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);
        var second = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);
        var stopped = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);
        var requestsThatDay = harness.Server.Requests.Count;
        time.Advance(TimeSpan.FromHours(1));
        var nextDay = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, first.Outcome);
        Assert.Equal(JudgeOutcome.Scored, second.Outcome);
        Assert.Equal(JudgeOutcome.BudgetReached, stopped.Outcome);
        Assert.Contains("Budget reached: 240 of 200 judge tokens", stopped.Explanation);
        Assert.Null(stopped.Score);
        Assert.Equal(2, requestsThatDay);
        Assert.Equal(JudgeOutcome.Scored, nextDay.Outcome);
    }

    [Fact]
    public async Task Evaluate_DailyCostBudgetReached_StopsCalls()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Fallback = FakeJudgeServer.Completion(GroundedJson, promptTokens: 1000, completionTokens: 0);
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, budget: new JudgeBudget(MaxCostPerDay: 0.002m));

        var first = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);
        var stopped = await evaluator.EvaluateAsync(JudgeHarness.RagTrace);

        Assert.Equal(JudgeOutcome.Scored, first.Outcome);
        Assert.Equal(JudgeOutcome.BudgetReached, stopped.Outcome);
        Assert.Single(harness.Server.Requests);
    }

    [Fact]
    public async Task Evaluate_ManyAtOnceAcrossEvaluators_NeverExceedTheEndpointConcurrencyCap()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Fallback = FakeJudgeServer.Slow(TimeSpan.FromMilliseconds(150), GroundedJson);
        var options = harness.OpenAICompatible(maxConcurrency: 2);
        var groundedness = harness.Evaluator(JudgeTemplates.Groundedness, options);
        var relevance = harness.Evaluator(JudgeTemplates.AnswerRelevance, options);

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => (i % 2 == 0 ? groundedness : relevance).EvaluateAsync(JudgeHarness.RagTrace)));

        Assert.All(results, result => Assert.Equal(JudgeOutcome.Scored, result.Outcome));
        Assert.Equal(8, harness.Server.Requests.Count);
        Assert.Equal(2, harness.Server.MaxInFlight);
    }

    [Fact]
    public async Task Evaluate_EveryFailureKind_NeverPutsTheKeyInLogsOrResults()
    {
        await using var harness = await JudgeHarness.StartAsync();
        harness.Server.Enqueue(
            FakeJudgeServer.Status(401),
            FakeJudgeServer.Status(429, "0"),
            FakeJudgeServer.Status(429, "0"),
            FakeJudgeServer.Status(500),
            FakeJudgeServer.Status(500),
            FakeJudgeServer.Hang,
            FakeJudgeServer.Hang,
            FakeJudgeServer.Completion("not json at all"),
            FakeJudgeServer.Completion(GroundedJson));
        var options = harness.OpenAICompatible(timeout: TimeSpan.FromMilliseconds(200), maxAttempts: 2);
        var evaluator = harness.Evaluator(JudgeTemplates.Groundedness, options);
        var unreachable = harness.Evaluator(
            JudgeTemplates.Groundedness,
            harness.OpenAICompatible(endpoint: new Uri($"http://127.0.0.1:{ClosedPort()}/v1")));

        var results = new List<JudgeResult>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await evaluator.EvaluateAsync(JudgeHarness.RagTrace));
        }

        results.Add(await unreachable.EvaluateAsync(JudgeHarness.RagTrace));

        Assert.Equal(
            [
                JudgeOutcome.Failed, JudgeOutcome.RateLimited, JudgeOutcome.Failed, JudgeOutcome.TimedOut,
                JudgeOutcome.Unparseable, JudgeOutcome.Scored, JudgeOutcome.Failed,
            ],
            results.Select(result => result.Outcome));
        Assert.All(harness.Server.Requests, request => Assert.Contains(JudgeHarness.Key, request.Authorization));
        Assert.True(harness.AllLogs.Count() >= 6, "The failures should have been logged.");
        Assert.All(harness.AllLogs, log => Assert.DoesNotContain(JudgeHarness.Key, log.AllText));
        Assert.All(results, result => Assert.DoesNotContain(JudgeHarness.Key, result.Explanation + result.RawReply));
        Assert.DoesNotContain(JudgeHarness.Key, options.ToString());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
