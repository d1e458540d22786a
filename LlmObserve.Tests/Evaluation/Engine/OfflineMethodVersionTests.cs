using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Evaluation.Runs;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>
/// A release that changes an offline evaluator's method starts a new version of it at start-up, so scores of the two
/// methods never share a version; a method that did not change leaves its evaluator alone.
/// </summary>
public sealed class OfflineMethodVersionTests
{
    [Fact]
    public async Task Start_AnOfflineEvaluatorScoredByAnOlderMethod_GetsOneNewVersionWithTheCurrentMethod()
    {
        await using var harness = await EvaluationHarness.StartAsync(offlineDefaults: true);
        await harness.StopAppAsync();

        string groundednessId;
        await using (var db = harness.OpenStoppedStore())
        {
            var seeded = await CurrentVersionsAsync(db);
            Assert.Equal(EvaluatorKinds.Offline.Order(), seeded.Select(v => v.Kind).Order());
            Assert.All(seeded, v => Assert.Equal(
                (1, OfflineEvaluatorCatalog.MethodOf(v.Kind)),
                (v.Version, v.Method)));

            // As if version 1 had been scored by an earlier release's method, with one evaluation still waiting.
            groundednessId = seeded.Single(v => v.Kind == EvaluatorKinds.Groundedness).EvaluatorId;
            await db.EvaluatorVersions.Where(v => v.EvaluatorId == groundednessId)
                .ExecuteUpdateAsync(v => v.SetProperty(x => x.Method, "offline-0"));
            db.EvaluationRuns.Add(new EvaluationRun
            {
                ProjectId = (await db.Evaluators.SingleAsync(e => e.Id == groundednessId)).ProjectId,
                EvaluatorId = groundednessId,
                EvaluatorVersion = 1,
                TraceId = new string('a', 32),
                Status = EvaluationRunStatus.Pending,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await harness.StartAppAsync();
        await harness.StopAppAsync();
        await harness.StartAppAsync();
        await harness.StopAppAsync();

        await using (var db = harness.OpenStoppedStore())
        {
            var current = await CurrentVersionsAsync(db);
            var groundedness = current.Single(v => v.Kind == EvaluatorKinds.Groundedness);
            Assert.Equal((2, GroundednessEvaluator.Method), (groundedness.Version, groundedness.Method));
            Assert.All(current.Where(v => v.Kind != EvaluatorKinds.Groundedness), v => Assert.Equal(1, v.Version));

            var versions = await db.EvaluatorVersions.Where(v => v.EvaluatorId == groundednessId)
                .OrderBy(v => v.Version).Select(v => v.Method).ToListAsync();
            Assert.Equal(["offline-0", GroundednessEvaluator.Method], versions);

            var run = await db.EvaluationRuns.SingleAsync(r => r.EvaluatorId == groundednessId);
            Assert.Equal(
                (EvaluationRunStatus.Skipped, "superseded by version 2 before it was evaluated"),
                (run.Status, run.SkipReason));
        }
    }

    private static async Task<List<(string EvaluatorId, string Kind, int Version, string? Method)>>
        CurrentVersionsAsync(
        Core.Storage.LlmObserveDbContext db)
    {
        var rows = await db.Evaluators
            .Join(
                db.EvaluatorVersions,
                e => new { e.Id, Version = e.CurrentVersion },
                v => new { Id = v.EvaluatorId, v.Version },
                (e, v) => new { e.Id, e.Kind, v.Version, v.Method })
            .ToListAsync();
        return [.. rows.Select(r => (r.Id, r.Kind, r.Version, r.Method))];
    }
}
