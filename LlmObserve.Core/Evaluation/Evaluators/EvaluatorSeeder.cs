using System.Security.Cryptography;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Evaluators;

/// <summary>
/// Offline evaluators are on by default: the first start creates one enabled evaluator of each offline kind for the
/// first project, scoring every trace stored from then on. It happens once per project; evaluators disabled, changed
/// or renamed afterwards stay as they were left.
/// </summary>
public sealed class EvaluatorSeeder(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    ILogger<EvaluatorSeeder> logger)
{
    /// <returns>How many evaluators were created.</returns>
    public async Task<int> EnsureDefaultsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var projectId = await db.Projects
            .OrderBy(p => p.CreatedAt)
            .Select(p => p.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (!options.Evaluation.DefaultOfflineEvaluators
            || projectId is null
            || await db.EvaluatorSeeds.AnyAsync(s => s.ProjectId == projectId, cancellationToken))
        {
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        var cursor = await db.Traces.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;
        var names = await db.Evaluators.Where(e => e.ProjectId == projectId).Select(e => e.Name)
            .ToListAsync(cancellationToken);
        var created = 0;
        var missing = EvaluatorKinds.Offline.Where(kind => !names.Contains(kind, StringComparer.OrdinalIgnoreCase));
        foreach (var kind in missing)
        {
            var id = "ev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            db.Evaluators.Add(new Evaluator
            {
                Id = id,
                ProjectId = projectId,
                Name = kind,
                Kind = kind,
                Target = EvaluatorTargets.Trace,
                SamplingRate = 1,
                Enabled = true,
                CurrentVersion = 1,
                LiveCursorRowId = cursor,
                CreatedAt = now,
                UpdatedAt = now,
            });
            db.EvaluatorVersions.Add(new EvaluatorVersion
            {
                EvaluatorId = id,
                Version = 1,
                Target = EvaluatorTargets.Trace,
                CreatedAt = now,
            });
            created++;
        }

        db.EvaluatorSeeds.Add(new EvaluatorSeed { ProjectId = projectId, SeededAt = now });
        await db.SaveChangesAsync(cancellationToken);
        if (created > 0)
        {
            logger.DefaultsCreated(created, projectId);
        }

        return created;
    }
}
