using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Evaluators;

/// <summary>
/// Creates, changes, enables and backfills evaluators, and reports where they stand. A save is refused with every
/// reason at once, each naming its field; a judge evaluator is saved only after one real call to its endpoint worked,
/// so an unreachable endpoint or a wrong key is found at save time, not at three in the morning.
/// </summary>
public sealed partial class EvaluatorService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    JudgeConnectionTester connectionTester,
    ISecretProtector protector,
    TimeProvider timeProvider)
{
    public const int MaxNameLength = 100;
    public const int MaxPromptLength = 20_000;
    public const int MaxBackfillDays = 400;
    private const int RecentErrorCount = 10;

    public async Task<IReadOnlyList<EvaluatorView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluators = await db.Evaluators.AsNoTracking()
            .Where(e => e.ProjectId == projectId)
            .OrderBy(e => e.Name)
            .ToListAsync(cancellationToken);
        var views = new List<EvaluatorView>(evaluators.Count);
        foreach (var evaluator in evaluators)
        {
            views.Add(await ViewAsync(db, evaluator, cancellationToken));
        }

        return views;
    }

    public async Task<EvaluatorView?> GetAsync(string projectId, string id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluator = await FindAsync(db, projectId, id, cancellationToken);
        return evaluator is null ? null : await ViewAsync(db, evaluator, cancellationToken);
    }

    public async Task<EvaluatorSaveResult> CreateAsync(
        string projectId,
        EvaluatorDraft draft,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (version, errors) = await CheckAsync(db, projectId, null, draft, cancellationToken);
        if (errors.Count == 0 && version.JudgeEndpointId is not null)
        {
            errors.AddRange(await TestJudgeAsync(db, projectId, version, cancellationToken));
        }

        if (errors.Count > 0)
        {
            return new EvaluatorSaveResult(null, errors);
        }

        var now = timeProvider.GetUtcNow();
        var evaluator = new Evaluator
        {
            Id = "ev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            ProjectId = projectId,
            Name = draft.Name!.Trim(),
            Kind = draft.Kind!,
            Target = version.Target,
            FilterQuery = draft.FilterQuery,
            FilterJson = FilterJsonOf(draft),
            SamplingRate = draft.SamplingRate,
            Enabled = draft.Enabled,
            CurrentVersion = 1,
            LiveCursorRowId = await NewestTraceRowIdAsync(db, cancellationToken),
            CreatedAt = now,
            UpdatedAt = now,
        };
        version.EvaluatorId = evaluator.Id;
        version.Version = 1;
        version.CreatedAt = now;
        db.Evaluators.Add(evaluator);
        db.EvaluatorVersions.Add(version);
        await db.SaveChangesAsync(cancellationToken);

        return new EvaluatorSaveResult(await ViewAsync(db, evaluator, cancellationToken), [], NewVersion: true);
    }

    /// <summary>
    /// Changes an evaluator. A change of target or judge settings starts a new version, which scores traces stored
    /// from then on (older ones by backfill); evaluations of the old version still waiting are skipped as superseded.
    /// Name, filter, sampling and enabled apply to the current version.
    /// </summary>
    public async Task<EvaluatorSaveResult> UpdateAsync(
        string projectId,
        string id,
        EvaluatorDraft draft,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluator = await db.Evaluators.FirstOrDefaultAsync(
            e => e.ProjectId == projectId && e.Id == id,
            cancellationToken);
        if (evaluator is null)
        {
            return new EvaluatorSaveResult(null, [], NotFound: true);
        }

        var (version, errors) = await CheckAsync(db, projectId, evaluator, draft, cancellationToken);
        var current = await db.EvaluatorVersions.AsNoTracking().FirstAsync(
            v => v.EvaluatorId == id && v.Version == evaluator.CurrentVersion,
            cancellationToken);
        var changed = errors.Count == 0 && !SameSettings(current, version);
        if (changed && version.JudgeEndpointId is not null)
        {
            errors.AddRange(await TestJudgeAsync(db, projectId, version, cancellationToken));
        }

        if (errors.Count > 0)
        {
            return new EvaluatorSaveResult(null, errors);
        }

        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        evaluator.Name = draft.Name!.Trim();
        evaluator.FilterQuery = draft.FilterQuery;
        evaluator.FilterJson = FilterJsonOf(draft);
        evaluator.SamplingRate = draft.SamplingRate;
        evaluator.Enabled = draft.Enabled;
        evaluator.UpdatedAt = now;
        if (changed)
        {
            var number = evaluator.CurrentVersion + 1;
            version.EvaluatorId = id;
            version.Version = number;
            version.CreatedAt = now;
            db.EvaluatorVersions.Add(version);
            evaluator.CurrentVersion = number;
            evaluator.Target = version.Target;
            evaluator.LiveCursorRowId = await NewestTraceRowIdAsync(db, cancellationToken);
            evaluator.RateLimitedUntil = null;
            evaluator.ConfigurationError = null;
            await SupersedeOlderVersionsAsync(db, id, number, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new EvaluatorSaveResult(await ViewAsync(db, evaluator, cancellationToken), [], changed);
    }

    public async Task<EvaluatorView?> SetEnabledAsync(
        string projectId,
        string id,
        bool enabled,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluator = await db.Evaluators.FirstOrDefaultAsync(
            e => e.ProjectId == projectId && e.Id == id,
            cancellationToken);
        if (evaluator is null)
        {
            return null;
        }

        evaluator.Enabled = enabled;
        evaluator.UpdatedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, evaluator, cancellationToken);
    }

    /// <summary>
    /// Asks for the traces that started in [<paramref name="from"/>, <paramref name="to"/>) to be evaluated by the
    /// current version, under the evaluator's filter and sampling; those it already evaluated are not again.
    /// </summary>
    public async Task<(BackfillView? Backfill, IReadOnlyList<FieldError> Errors, bool NotFound)> BackfillAsync(
        string projectId,
        string id,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (from is null)
        {
            errors.Add(new FieldError("from", "The start of the range is missing."));
        }

        if (to is null)
        {
            errors.Add(new FieldError("to", "The end of the range is missing."));
        }

        if (from is { } start && to is { } end)
        {
            if (end <= start)
            {
                errors.Add(new FieldError("to", "The end of the range must come after its start."));
            }
            else if (end - start > TimeSpan.FromDays(MaxBackfillDays))
            {
                errors.Add(new FieldError("to", $"A backfill covers at most {MaxBackfillDays} days."));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluator = await FindAsync(db, projectId, id, cancellationToken);
        if (evaluator is null)
        {
            return (null, [], true);
        }

        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        var backfill = new EvaluationBackfill
        {
            EvaluatorId = id,
            EvaluatorVersion = evaluator.CurrentVersion,
            From = from!.Value.ToUniversalTime(),
            To = to!.Value.ToUniversalTime(),
            UpToRowId = await NewestTraceRowIdAsync(db, cancellationToken),
            RequestedAt = timeProvider.GetUtcNow(),
        };
        db.EvaluationBackfills.Add(backfill);
        await db.SaveChangesAsync(cancellationToken);
        return (ToView(backfill), [], false);
    }

    private static BackfillView ToView(EvaluationBackfill b)
        => new(b.Id, b.EvaluatorVersion, b.From, b.To, b.Claimed, b.RequestedAt, b.CompletedAt);

    private static async Task<Evaluator?> FindAsync(
        LlmObserveDbContext db,
        string projectId,
        string id,
        CancellationToken cancellationToken)
        => await db.Evaluators.AsNoTracking()
            .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == id, cancellationToken);

    private static async Task<long> NewestTraceRowIdAsync(LlmObserveDbContext db, CancellationToken cancellationToken)
        => await db.Traces.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;

    private static string? FilterJsonOf(EvaluatorDraft draft)
        => string.IsNullOrEmpty(draft.FilterQuery)
            ? null
            : JsonSerializer.Serialize(
                draft.Filter with { From = null, To = null, TraceIds = null },
                StoreJson.Options);

    /// <summary>
    /// Closes what older versions left open once <paramref name="number"/> runs: their pending and running
    /// evaluations are skipped with the reason, their backfills ended.
    /// </summary>
    internal static async Task SupersedeOlderVersionsAsync(
        LlmObserveDbContext db,
        string evaluatorId,
        int number,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var superseded = $"superseded by version {number} before it was evaluated";
        await db.EvaluationRuns
            .Where(r => r.EvaluatorId == evaluatorId && r.EvaluatorVersion < number
                && (r.Status == EvaluationRunStatus.Pending || r.Status == EvaluationRunStatus.Running))
            .ExecuteUpdateAsync(
                r => r.SetProperty(x => x.Status, EvaluationRunStatus.Skipped)
                    .SetProperty(x => x.SkipReason, superseded)
                    .SetProperty(x => x.FinishedAt, now)
                    .SetProperty(x => x.LeaseToken, (string?)null)
                    .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken);
        await db.EvaluationBackfills
            .Where(b => b.EvaluatorId == evaluatorId && b.CompletedAt == null && b.EvaluatorVersion < number)
            .ExecuteUpdateAsync(b => b.SetProperty(x => x.CompletedAt, now), cancellationToken);
    }

    private static bool SameSettings(EvaluatorVersion a, EvaluatorVersion b)
        => a.Target == b.Target
            && a.TemplateName == b.TemplateName
            && a.Prompt == b.Prompt
            && a.LabelsJson == b.LabelsJson
            && a.JudgeEndpointId == b.JudgeEndpointId
            && a.Model == b.Model
            && a.Temperature == b.Temperature
            && a.MaxTokensPerDay == b.MaxTokensPerDay
            && a.MaxCostPerDay == b.MaxCostPerDay
            && a.Method == b.Method;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
