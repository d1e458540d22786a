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
            .Where(p => p.DeletedAt == null)
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
                Method = OfflineEvaluatorCatalog.MethodOf(kind),
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

    /// <summary>
    /// Starts a new version of every offline evaluator whose current version was scored by an older method than this
    /// release's (<see cref="OfflineEvaluatorCatalog.MethodOf"/>): same settings, the new method, scoring traces stored
    /// from now on, as a settings change does. Scores of the two methods then never share a version.
    /// </summary>
    /// <returns>How many evaluators got a new version.</returns>
    public async Task<int> StartNewMethodVersionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var offline = await db.Evaluators
            .Where(e => EvaluatorKinds.Offline.Contains(e.Kind))
            .Join(
                db.EvaluatorVersions,
                e => new { e.Id, Version = e.CurrentVersion },
                v => new { Id = v.EvaluatorId, v.Version },
                (e, v) => new { Evaluator = e, Current = v })
            .ToListAsync(cancellationToken);
        var outdated = offline
            .Where(pair => pair.Current.Method != OfflineEvaluatorCatalog.MethodOf(pair.Evaluator.Kind))
            .ToList();
        if (outdated.Count == 0)
        {
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        var newest = await db.Traces.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (evaluator, current) in outdated.Select(pair => (pair.Evaluator, pair.Current)))
        {
            var number = evaluator.CurrentVersion + 1;
            var method = OfflineEvaluatorCatalog.MethodOf(evaluator.Kind);
            db.EvaluatorVersions.Add(new EvaluatorVersion
            {
                EvaluatorId = evaluator.Id,
                Version = number,
                Target = current.Target,
                Method = method,
                CreatedAt = now,
            });
            evaluator.CurrentVersion = number;
            evaluator.LiveCursorRowId = newest;
            evaluator.UpdatedAt = now;
            await EvaluatorService.SupersedeOlderVersionsAsync(db, evaluator.Id, number, now, cancellationToken);
            logger.NewMethodVersion(evaluator.Name, number, current.Method ?? "unrecorded", method);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outdated.Count;
    }
}
