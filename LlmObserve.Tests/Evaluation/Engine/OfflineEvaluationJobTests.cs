using System.Net.Http.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Scores;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>The offline evaluators a first start creates, scoring traces with no key and no network.</summary>
public sealed class OfflineEvaluationJobTests
{
    [Fact]
    public async Task FirstStart_DefaultOfflineEvaluators_ScoreEveryTraceAndSkipGroundednessWithoutContext()
    {
        await using var harness = await EvaluationHarness.StartAsync(offlineDefaults: true);
        var evaluators = (await harness.Client.GetFromJsonAsync<List<EvaluatorView>>(
            "api/evaluators",
            EvaluationHarness.Json))!;
        var rag = new TestTrace(
            TestTrace.NewId(),
            "When did the Berlin Wall fall, and what led to it?",
            "The Berlin Wall fell on the night of 9 November 1989, after weeks of peaceful protests in East Germany.",
            ["The Berlin Wall fell on the night of 9 November 1989, after weeks of peaceful protests across East "
                + "Germany forced the government to open the border crossings."]);
        var refusal = new TestTrace(
            TestTrace.NewId(),
            "What is John's e-mail address?",
            "I'm sorry, but I can't share personal contact details such as john.doe@example.com.",
            null);

        await harness.IngestAsync(rag, refusal);
        await Poll.UntilAsync(
            async () =>
            {
                await using var db = harness.CreateDb();
                return await db.EvaluationRuns.CountAsync(r => r.Status == EvaluationRunStatus.Scored
                    || r.Status == EvaluationRunStatus.Skipped) == 10;
            },
            "ten offline evaluations",
            TimeSpan.FromSeconds(120));

        Assert.Equal(
            ["answer_relevance", "groundedness", "language", "pii", "refusal"],
            evaluators.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(evaluators, e => Assert.True(e.Enabled && e.Kind == e.Name && e.Version == 1));
        await using var db = harness.CreateDb();
        var scores = await db.Scores.AsNoTracking().ToListAsync();
        var byEvaluator = evaluators.ToDictionary(e => e.Name, e => e.Id);
        Score ScoreOf(TestTrace trace, string name) => scores.Single(s => s.TraceId == trace.Id && s.Name == name);

        Assert.Equal(9, scores.Count);
        Assert.All(scores, s => Assert.Equal((ScoreSource.Offline, "1"), (s.Source, s.EvaluatorVersion)));
        Assert.All(scores, s => Assert.Equal(byEvaluator[s.Name], s.EvaluatorId));
        Assert.Equal(OfflineLabels.Grounded, ScoreOf(rag, "groundedness").Label);
        Assert.Equal(OfflineLabels.Relevant, ScoreOf(rag, "answer_relevance").Label);
        Assert.Equal(OfflineLabels.Answer, ScoreOf(rag, "refusal").Label);
        Assert.Equal(OfflineLabels.NoPii, ScoreOf(rag, "pii").Label);
        Assert.Equal("en", ScoreOf(rag, "language").Label);
        Assert.Equal(OfflineLabels.Refusal, ScoreOf(refusal, "refusal").Label);
        Assert.Equal(OfflineLabels.PiiFound, ScoreOf(refusal, "pii").Label);

        var skipped = await db.EvaluationRuns.AsNoTracking().SingleAsync(r => r.Status == EvaluationRunStatus.Skipped);
        Assert.Equal((refusal.Id, byEvaluator["groundedness"]), (skipped.TraceId, skipped.EvaluatorId));
        Assert.Equal("no retrieved context", skipped.SkipReason);
    }
}
