using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Evaluators;

public sealed partial class EvaluatorService
{
    private const int RawReplyPreviewChars = 2_000;

    /// <summary>
    /// An evaluator's state and counts, with its recent errors, the reasons it skipped traces and its backfills.
    /// </summary>
    public async Task<EvaluatorStatusDetail?> GetStatusAsync(
        string projectId,
        string id,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluator = await FindAsync(db, projectId, id, cancellationToken);
        if (evaluator is null)
        {
            return null;
        }

        var view = await ViewAsync(db, evaluator, cancellationToken);
        var version = evaluator.CurrentVersion;
        var errors = await db.EvaluationRuns.AsNoTracking()
            .Where(r => r.EvaluatorId == id && r.EvaluatorVersion == version && r.LastError != null)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.Id)
            .Take(RecentErrorCount)
            .Select(r => new EvaluationRunError(
                r.TraceId,
                r.Status,
                r.LastError!,
                r.Attempts,
                r.RawReply == null ? null : r.RawReply.Substring(0, RawReplyPreviewChars),
                r.FinishedAt ?? r.StartedAt))
            .ToListAsync(cancellationToken);
        var skips = await db.EvaluationRuns.AsNoTracking()
            .Where(r => r.EvaluatorId == id && r.EvaluatorVersion == version
                && r.Status == EvaluationRunStatus.Skipped && r.SkipReason != null)
            .GroupBy(r => r.SkipReason!)
            .Select(g => new { Reason = g.Key, Count = g.Count() })
            .OrderByDescending(s => s.Count)
            .Take(RecentErrorCount)
            .ToListAsync(cancellationToken);
        var backfills = await db.EvaluationBackfills.AsNoTracking()
            .Where(b => b.EvaluatorId == id)
            .OrderByDescending(b => b.Id)
            .Take(RecentErrorCount)
            .ToListAsync(cancellationToken);

        return new EvaluatorStatusDetail(
            evaluator.Id,
            evaluator.Name,
            version,
            evaluator.Enabled,
            view.Status,
            errors,
            [.. skips.Select(s => new SkipReasonCount(s.Reason, s.Count))],
            [.. backfills.Select(ToView)]);
    }

    private async Task<EvaluatorView> ViewAsync(
        LlmObserveDbContext db,
        Evaluator evaluator,
        CancellationToken cancellationToken)
    {
        var version = await db.EvaluatorVersions.AsNoTracking().FirstAsync(
            v => v.EvaluatorId == evaluator.Id && v.Version == evaluator.CurrentVersion,
            cancellationToken);
        var now = timeProvider.GetUtcNow();

        var counted = await db.EvaluationRuns.AsNoTracking()
            .Where(r => r.EvaluatorId == evaluator.Id && r.EvaluatorVersion == evaluator.CurrentVersion)
            .GroupBy(r => r.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var counts = EvaluationRunStatus.All.ToDictionary(
            status => status,
            status => counted.FirstOrDefault(c => c.Status == status)?.Count ?? 0,
            StringComparer.Ordinal);
        var lastError = evaluator.ConfigurationError ?? await db.EvaluationRuns.AsNoTracking()
            .Where(r => r.EvaluatorId == evaluator.Id && r.EvaluatorVersion == evaluator.CurrentVersion
                && r.LastError != null)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.Id)
            .Select(r => r.LastError)
            .FirstOrDefaultAsync(cancellationToken);

        JudgeSettingsView? judge = null;
        JudgeBudgetStatus? budget = null;
        if (evaluator.Kind == EvaluatorKinds.Judge)
        {
            var endpointName = version.JudgeEndpointId is { } endpointId
                ? await db.JudgeEndpoints.AsNoTracking()
                    .Where(e => e.Id == endpointId)
                    .Select(e => e.Name)
                    .FirstOrDefaultAsync(cancellationToken)
                : null;
            judge = new JudgeSettingsView(
                version.JudgeEndpointId,
                endpointName,
                version.TemplateName ?? EvaluatorKinds.CustomTemplate,
                version.Prompt,
                JudgeEvaluatorFactory.LabelsOf(version.LabelsJson),
                version.Model,
                version.Temperature,
                version.MaxTokensPerDay,
                version.MaxCostPerDay);
            budget = await BudgetAsync(db, evaluator.Id, version, now, cancellationToken);
        }

        var rateLimited = evaluator.RateLimitedUntil is { } until && until > now ? until : (DateTimeOffset?)null;
        var state = !evaluator.Enabled ? EvaluatorStates.Disabled
            : evaluator.ConfigurationError is not null ? EvaluatorStates.Misconfigured
            : budget?.Reached == true ? EvaluatorStates.BudgetReached
            : rateLimited is not null ? EvaluatorStates.RateLimited
            : EvaluatorStates.Active;

        return new EvaluatorView(
            evaluator.Id,
            evaluator.Name,
            evaluator.Kind,
            version.Target,
            evaluator.FilterQuery,
            evaluator.SamplingRate,
            evaluator.Enabled,
            evaluator.CurrentVersion,
            judge,
            evaluator.CreatedAt,
            evaluator.UpdatedAt,
            new EvaluatorStatus(state, counts, lastError, rateLimited, budget))
        {
            Method = version.Method,
        };
    }

    private static async Task<JudgeBudgetStatus> BudgetAsync(
        LlmObserveDbContext db,
        string evaluatorId,
        EvaluatorVersion version,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var day = JudgeSpendDay.DayText(DateOnly.FromDateTime(now.UtcDateTime));
        var spent = await db.JudgeSpendDays.AsNoTracking()
            .FirstOrDefaultAsync(s => s.EvaluatorId == evaluatorId && s.Day == day, cancellationToken);
        var tokens = spent?.Tokens ?? 0;
        var cost = spent?.Cost ?? 0;
        string? reason = null;
        if (version.MaxTokensPerDay is { } maxTokens && tokens >= maxTokens)
        {
            reason = Invariant($"{tokens} of {maxTokens} judge tokens spent on {day} (UTC).");
        }
        else if (version.MaxCostPerDay is { } maxCost && (decimal)cost >= maxCost)
        {
            reason = Invariant($"A cost of {cost:0.######} of {maxCost:0.######} spent on {day} (UTC).");
        }

        return new JudgeBudgetStatus(
            day,
            tokens,
            cost,
            spent?.Calls ?? 0,
            version.MaxTokensPerDay,
            version.MaxCostPerDay,
            reason is not null,
            reason);
    }
}
