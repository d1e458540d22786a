using System.Net.Http.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>
/// Restarts while the job works: nothing it acknowledged is lost, nothing is scored twice, and a budget that was
/// reached stays reached.
/// </summary>
public sealed class EvaluationRestartTests
{
    private const string Grounded = """{"label": "grounded", "score": 0.8, "explanation": "Supported."}""";

    [Fact]
    public async Task Job_AppStopsWhileTheJudgeHangsAndAWorkerDied_RestartScoresEachTraceExactlyOnce()
    {
        await using var harness = await EvaluationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Evaluation:LeaseSeconds"] = "3",
        });
        var evaluator = await harness.CreateJudgeEvaluatorAsync(await harness.CreateEndpointAsync(timeoutSeconds: 60));
        harness.Judge.Fallback = FakeJudgeServer.Hang;
        var released = TestTrace.Rag();
        var orphaned = TestTrace.Rag();
        await harness.IngestAsync(released, orphaned);
        await Poll.UntilAsync(
            async () => (await harness.RunsAsync(evaluator.Id))
                .Count(r => r.Status == EvaluationRunStatus.Running) == 2,
            "both evaluations to be waiting on the hanging judge",
            EvaluationHarness.JobTimeout);

        await harness.StopAppAsync();

        // A graceful stop hands both back, their interrupted attempt not counted.
        var afterStop = await ReadRunsAsync(harness.DataDirectory, evaluator.Id);
        Assert.All(afterStop, run => Assert.Equal(
            (EvaluationRunStatus.Pending, 0, (string?)null),
            (run.Status, run.Attempts, run.LeaseToken)));

        // Make one look like the work of a process that crashed mid-call: running, under a lease nobody renews.
        await using (var db = harness.OpenStoppedStore())
        {
            await db.EvaluationRuns.Where(r => r.TraceId == orphaned.Id).ExecuteUpdateAsync(r => r
                .SetProperty(x => x.Status, EvaluationRunStatus.Running)
                .SetProperty(x => x.Attempts, 1)
                .SetProperty(x => x.LeaseToken, "a-worker-that-died")
                .SetProperty(x => x.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(2)));
        }

        harness.Judge.Fallback = FakeJudgeServer.Completion(Grounded);
        await harness.StartAppAsync();
        await harness.WaitForFinalAsync(evaluator.Id, 2);

        // Asking again for the same traces (a backfill over all time) must not score them twice.
        var backfill = await harness.Client.PostAsJsonAsync(
            $"api/evaluators/{evaluator.Id}/backfill",
            new { from = DateTimeOffset.UtcNow.AddDays(-1), to = DateTimeOffset.UtcNow.AddDays(1) });
        backfill.EnsureSuccessStatusCode();
        await Poll.UntilAsync(
            async () => (await harness.StatusAsync(evaluator.Id)).Backfills.Single().CompletedAt is not null,
            "the backfill to finish",
            EvaluationHarness.JobTimeout);

        var runs = await harness.RunsAsync(evaluator.Id);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run => Assert.Equal(EvaluationRunStatus.Scored, run.Status));
        var scores = await harness.ScoresAsync(evaluator.Id);
        Assert.Equal(
            new[] { released.Id, orphaned.Id }.Order(StringComparer.Ordinal),
            scores.Select(s => s.TraceId).Order(StringComparer.Ordinal));
        Assert.Equal(runs.Select(r => r.ScoreId).Order(), scores.Select(s => (long?)s.Id).Order());
    }

    [Fact]
    public async Task Job_DailyTokenCapReached_StopsCallingTheJudgeAndStaysStoppedAfterARestart()
    {
        await using var harness = await EvaluationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Evaluation:JudgeConcurrency"] = "1",
        });

        // Each judge reply reports 100 prompt and 20 completion tokens: the second call passes a cap of 200.
        var evaluator = await harness.CreateJudgeEvaluatorAsync(
            await harness.CreateEndpointAsync(),
            maxTokensPerDay: 200);
        harness.Judge.Fallback = FakeJudgeServer.Completion(Grounded);
        await harness.IngestAsync(TestTrace.Rag(), TestTrace.Rag(), TestTrace.Rag(), TestTrace.Rag());
        await Poll.UntilAsync(
            async () => (await harness.StatusAsync(evaluator.Id)).Status.State == EvaluatorStates.BudgetReached,
            "the evaluator to reach its budget",
            EvaluationHarness.JobTimeout);
        await harness.WaitForFinalAsync(evaluator.Id, 2);
        var callsBefore = JudgeCalls(harness);

        await harness.StopAppAsync();
        await harness.StartAppAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var status = await harness.StatusAsync(evaluator.Id);
        Assert.Equal(2, callsBefore);
        Assert.Equal(2, JudgeCalls(harness));
        Assert.Equal(EvaluatorStates.BudgetReached, status.Status.State);
        Assert.Equal(240, status.Status.Budget!.Tokens);
        Assert.Equal(2, status.Status.Budget.Calls);
        Assert.Contains("240 of 200", status.Status.Budget.Reason, StringComparison.Ordinal);
        Assert.Equal(2, status.Status.Counts[EvaluationRunStatus.Scored]);
        Assert.Equal(2, (await harness.ScoresAsync(evaluator.Id)).Count);
    }

    private static int JudgeCalls(EvaluationHarness harness)
        => harness.Judge.Requests.Count(r => r.Body.ToString().Contains("Berlin Wall", StringComparison.Ordinal));

    private static async Task<List<EvaluationRun>> ReadRunsAsync(string dataDirectory, string evaluatorId)
    {
        await using var db = EvaluationHarness.OpenStore(dataDirectory);
        return await db.EvaluationRuns.AsNoTracking().Where(r => r.EvaluatorId == evaluatorId).ToListAsync();
    }
}
