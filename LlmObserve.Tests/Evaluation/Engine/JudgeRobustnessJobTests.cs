using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>The evaluation job against a judge that rate-limits, hangs or asks for a long pause.</summary>
public sealed class JudgeRobustnessJobTests
{
    private const string Grounded = """{"label": "grounded", "score": 1, "explanation": "Supported."}""";

    [Fact]
    public async Task Job_JudgeAnswers429WithRetryAfter_WaitsThatLongThenStoresTheScore()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        var evaluator = await harness.CreateJudgeEvaluatorAsync(await harness.CreateEndpointAsync());
        harness.Judge.Enqueue(FakeJudgeServer.Status(429, retryAfter: "1"), FakeJudgeServer.Completion(Grounded));

        var trace = TestTrace.Rag();
        await harness.IngestAsync(trace);
        await harness.WaitForFinalAsync(evaluator.Id, 1);

        var run = Assert.Single(await harness.RunsAsync(evaluator.Id));
        Assert.Equal(EvaluationRunStatus.Scored, run.Status);
        Assert.Equal(1, run.Attempts);
        Assert.Equal(1.0, Assert.Single(await harness.ScoresAsync(evaluator.Id)).Value);
        var calls = harness.Judge.Requests
            .Where(r => r.Body.ToString().Contains("Berlin Wall", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, calls.Count);
        Assert.True(
            calls[1].ReceivedAt - calls[0].ReceivedAt >= TimeSpan.FromSeconds(0.95),
            $"The retry came {(calls[1].ReceivedAt - calls[0].ReceivedAt).TotalMilliseconds:F0} ms after the 429.");
    }

    [Fact]
    public async Task Job_JudgeHangs_EachAttemptTimesOutAndTheEvaluationFailsWithTheReasonAfterItsAttempts()
    {
        await using var harness = await EvaluationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Evaluation:MaxAttempts"] = "2",
        });

        // The save-time connection test runs under the endpoint's own timeout; a first call through a cold client
        // (JIT, first connection) can take more than 1 s, so one endpoint with room is saved first.
        await harness.CreateEndpointAsync(timeoutSeconds: 30);
        var evaluator = await harness.CreateJudgeEvaluatorAsync(
            await harness.CreateEndpointAsync(timeoutSeconds: 1, maxAttempts: 1));
        harness.Judge.Fallback = FakeJudgeServer.Hang;

        await harness.IngestAsync(TestTrace.Rag());
        await harness.WaitForFinalAsync(evaluator.Id, 1);

        var run = Assert.Single(await harness.RunsAsync(evaluator.Id));
        Assert.Equal(EvaluationRunStatus.Failed, run.Status);
        Assert.Equal(2, run.Attempts);
        Assert.Contains("did not answer within 1 s", run.LastError, StringComparison.Ordinal);
        Assert.Empty(await harness.ScoresAsync(evaluator.Id));
        var status = await harness.StatusAsync(evaluator.Id);
        Assert.Equal(1, status.Status.Counts[EvaluationRunStatus.Failed]);
        var error = Assert.Single(status.RecentErrors);
        Assert.Equal(EvaluationRunStatus.Failed, error.Status);
        Assert.Contains("did not answer", status.Status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_JudgeAsksForAPauseLongerThanItWaits_EvaluatorShowsRateLimitedUntilThenAndTheRunWaits()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        var evaluator = await harness.CreateJudgeEvaluatorAsync(await harness.CreateEndpointAsync());
        harness.Judge.Fallback = FakeJudgeServer.Status(429, retryAfter: "120");
        var before = DateTimeOffset.UtcNow;

        await harness.IngestAsync(TestTrace.Rag());
        await Poll.UntilAsync(
            async () => (await harness.StatusAsync(evaluator.Id)).Status.State == EvaluatorStates.RateLimited,
            "the evaluator to show it is rate limited",
            EvaluationHarness.JobTimeout);

        var status = await harness.StatusAsync(evaluator.Id);
        Assert.InRange(status.Status.RateLimitedUntil!.Value, before.AddSeconds(110), before.AddSeconds(130));
        var run = Assert.Single(await harness.RunsAsync(evaluator.Id));
        Assert.Equal(EvaluationRunStatus.Pending, run.Status);
        Assert.Contains("429", run.LastError, StringComparison.Ordinal);
        Assert.InRange(run.NextAttemptAt, before.AddSeconds(110), before.AddSeconds(130));
        Assert.Empty(await harness.ScoresAsync(evaluator.Id));
    }
}
