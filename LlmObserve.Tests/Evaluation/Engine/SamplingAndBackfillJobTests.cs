using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>Which traces the job picks: by filter, by a sampling rate fixed by trace id, and by backfill.</summary>
public sealed class SamplingAndBackfillJobTests
{
    private const string Grounded = """{"label": "grounded", "score": 1, "explanation": "Supported."}""";

    [Fact]
    public async Task Job_HalfSampledFilteredEvaluator_PicksTheSameTracesLiveAndInANewVersionsBackfill()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        var endpointId = await harness.CreateEndpointAsync();
        harness.Judge.Fallback = FakeJudgeServer.Completion(Grounded);
        var evaluator = await harness.CreateJudgeEvaluatorAsync(
            endpointId,
            samplingRate: 0.5,
            filter: "environment=production");
        var production = Enumerable.Range(0, 24).Select(_ => TestTrace.Rag(environment: "production")).ToArray();
        var staging = Enumerable.Range(0, 6).Select(_ => TestTrace.Rag(environment: "staging")).ToArray();
        var expected = production.Where(t => EvaluationSampling.IsSampled(t.Id, 0.5)).Select(t => t.Id)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var started = DateTimeOffset.UtcNow.AddMinutes(-1);

        await harness.IngestAsync([.. production, .. staging]);
        await harness.WaitForFinalAsync(evaluator.Id, expected.Length);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var live = (await harness.RunsAsync(evaluator.Id)).Select(r => r.TraceId).Order(StringComparer.Ordinal);
        Assert.InRange(expected.Length, 4, 20);
        Assert.Equal(expected, live);

        // A new version scores only what is stored from now on; a backfill brings the earlier traces back, and the
        // sample it takes is the same one.
        var update = await harness.Client.PutAsJsonAsync($"api/evaluators/{evaluator.Id}", new
        {
            name = evaluator.Name,
            kind = EvaluatorKinds.Judge,
            samplingRate = 0.5,
            filter = new { environment = "production" },
            judge = new { endpointId, template = "answer_relevance" },
        });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = (await update.Content.ReadFromJsonAsync<EvaluatorView>(EvaluationHarness.Json))!;
        Assert.Equal(2, updated.Version);
        Assert.Equal("environment=production", updated.Filter);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(await harness.RunsAsync(evaluator.Id), r => r.EvaluatorVersion == 2);

        var backfill = await harness.Client.PostAsJsonAsync(
            $"api/evaluators/{evaluator.Id}/backfill",
            new { from = started, to = DateTimeOffset.UtcNow.AddMinutes(1) });
        Assert.Equal(HttpStatusCode.Accepted, backfill.StatusCode);
        await Poll.UntilAsync(
            async () => (await harness.RunsAsync(evaluator.Id))
                .Count(r => r.EvaluatorVersion == 2 && EvaluationRunStatus.IsFinal(r.Status)) == expected.Length
                && (await harness.StatusAsync(evaluator.Id)).Backfills.Single().CompletedAt is not null,
            "the backfill to score the sample",
            EvaluationHarness.JobTimeout);

        var runs = await harness.RunsAsync(evaluator.Id);
        var backfilled = runs.Where(r => r.EvaluatorVersion == 2).Select(r => r.TraceId).Order(StringComparer.Ordinal);
        Assert.Equal(expected, backfilled);
        var scores = await harness.ScoresAsync(evaluator.Id);
        Assert.Equal(expected.Length * 2, scores.Count);
        Assert.Equal(expected.Length, scores.Count(s => s.EvaluatorVersion == "2"));
        var status = await harness.StatusAsync(evaluator.Id);
        Assert.Equal(expected.Length, status.Backfills.Single().Claimed);
    }
}
