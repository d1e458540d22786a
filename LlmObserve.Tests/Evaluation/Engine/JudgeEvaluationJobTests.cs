using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Scores;
using LlmObserve.Tests.Evaluation.Judge;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>
/// The evaluation job with an LLM judge, end to end: traces ingested through the API, the job on its Quartz schedule,
/// the real OpenAI client talking to a scripted OpenAI-compatible server on 127.0.0.1, and the store read back.
/// </summary>
public sealed class JudgeEvaluationJobTests
{
    private const string Grounded =
        """{"label": "grounded", "score": 0.9, "explanation": "The date is in the context."}""";

    [Fact]
    public async Task Job_JudgeEvaluator_StoresScoresRecordsUnparseableRawTextAndSkipsTracesWithoutContext()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        var endpointId = await harness.CreateEndpointAsync();
        var evaluator = await harness.CreateJudgeEvaluatorAsync(endpointId);
        var scored = TestTrace.Rag();
        var garbled = TestTrace.Rag();
        var lacking = TestTrace.WithoutContext();
        harness.Judge.Fallback = context => context.Request.Headers.Authorization.ToString().Contains("never")
            ? FakeJudgeServer.Status(401)(context)
            : FakeJudgeServer.Completion(Grounded)(context);

        // Sent one at a time so the judge's replies are taken in a known order.
        harness.Judge.Enqueue(FakeJudgeServer.Completion("Prose wrapped: " + Grounded));
        await harness.IngestAsync(scored);
        await harness.WaitForFinalAsync(evaluator.Id, 1);
        harness.Judge.Enqueue(FakeJudgeServer.Completion("I would rather not say. Nice weather today."));
        await harness.IngestAsync(garbled);
        await harness.WaitForFinalAsync(evaluator.Id, 2);
        await harness.IngestAsync(lacking);
        await harness.WaitForFinalAsync(evaluator.Id, 3);

        var runs = (await harness.RunsAsync(evaluator.Id)).ToDictionary(r => r.TraceId);
        var scores = await harness.ScoresAsync(evaluator.Id);
        var score = Assert.Single(scores);
        Assert.Equal(scored.Id, score.TraceId);
        Assert.Equal(0.9, score.Value);
        Assert.Equal("grounded", score.Label);
        Assert.Equal("The date is in the context.", score.Explanation);
        Assert.Equal(ScoreSource.Judge, score.Source);
        Assert.Equal("judge-groundedness", score.Name);
        Assert.Equal("1", score.EvaluatorVersion);
        Assert.Equal(EvaluationRunStatus.Scored, runs[scored.Id].Status);
        Assert.Equal(score.Id, runs[scored.Id].ScoreId);

        Assert.Equal(EvaluationRunStatus.Unparseable, runs[garbled.Id].Status);
        Assert.Equal("I would rather not say. Nice weather today.", runs[garbled.Id].RawReply);
        Assert.NotNull(runs[garbled.Id].LastError);

        Assert.Equal(EvaluationRunStatus.Skipped, runs[lacking.Id].Status);
        Assert.Contains("no retrieved context", runs[lacking.Id].SkipReason, StringComparison.Ordinal);

        // The judge was asked for the two traces with context only (plus the endpoint's and evaluator's save tests).
        var judged = harness.Judge.Requests
            .Count(r => r.Body.ToString().Contains("Berlin Wall", StringComparison.Ordinal));
        Assert.Equal(2, judged);

        var status = await harness.StatusAsync(evaluator.Id);
        Assert.Equal(EvaluatorStates.Active, status.Status.State);
        Assert.Equal(1, status.Status.Counts[EvaluationRunStatus.Scored]);
        Assert.Equal(1, status.Status.Counts[EvaluationRunStatus.Unparseable]);
        Assert.Equal(1, status.Status.Counts[EvaluationRunStatus.Skipped]);
        Assert.Contains(status.RecentErrors, e => e.Status == EvaluationRunStatus.Unparseable && e.RawReply != null);
        Assert.Contains(status.SkipReasons, s => s.Reason.Contains("no retrieved context", StringComparison.Ordinal));
        Assert.Equal(240, status.Status.Budget!.Tokens);
    }
}
