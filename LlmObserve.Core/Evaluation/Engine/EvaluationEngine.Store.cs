using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Engine;

public sealed partial class EvaluationEngine
{
    private TimeSpan Lease => TimeSpan.FromSeconds(Settings.LeaseSeconds);

    /// <summary>
    /// Takes up to a batch of each evaluator's due evaluations (pending and due, or running under a lease that
    /// expired) under a new lease token, and returns what it got. The update re-checks the state, so of two
    /// instances taking the same evaluation only one gets it.
    /// </summary>
    private async Task<List<EvaluationRun>> TakeDueAsync(
        LlmObserveDbContext db,
        IReadOnlyList<EvaluationPlan> plans,
        string token,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var leaseUntil = now + Lease;
        foreach (var plan in plans)
        {
            var evaluatorId = plan.Evaluator.Id;
            var version = plan.Version.Version;
            var ids = await db.EvaluationRuns.AsNoTracking()
                .Where(r => r.EvaluatorId == evaluatorId && r.EvaluatorVersion == version
                    && ((r.Status == EvaluationRunStatus.Pending && r.NextAttemptAt <= now)
                        || (r.Status == EvaluationRunStatus.Running && r.LeaseUntil < now)))
                .OrderBy(r => r.NextAttemptAt)
                .ThenBy(r => r.Id)
                .Select(r => r.Id)
                .Take(Settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                continue;
            }

            await db.EvaluationRuns
                .Where(r => ids.Contains(r.Id)
                    && ((r.Status == EvaluationRunStatus.Pending && r.NextAttemptAt <= now)
                        || (r.Status == EvaluationRunStatus.Running && r.LeaseUntil < now)))
                .ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Running)
                        .SetProperty(x => x.LeaseToken, token)
                        .SetProperty(x => x.LeaseUntil, leaseUntil)
                        .SetProperty(x => x.StartedAt, now)
                        .SetProperty(x => x.Attempts, x => x.Attempts + 1),
                    cancellationToken);
        }

        return await db.EvaluationRuns.AsNoTracking()
            .Where(r => r.LeaseToken == token)
            .OrderBy(r => r.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps the pass's lease alive while it works, so only a dead worker's evaluations are taken over.
    /// </summary>
    private async Task RenewLeasesAsync(string token, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Lease / 3, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var until = timeProvider.GetUtcNow() + Lease;
                await using var db = await dbFactory.CreateDbContextAsync(stop);
                await db.EvaluationRuns
                    .Where(r => r.LeaseToken == token && r.Status == EvaluationRunStatus.Running)
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.LeaseUntil, until), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The pass is over.
        }
    }

    /// <summary>
    /// Hands the pass's unfinished evaluations back as pending, their interrupted attempt not counted, so the next
    /// run (after a restart, or another instance) takes them up at once instead of when the lease runs out.
    /// </summary>
    private async Task ReleaseAsync(string token)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var released = await db.EvaluationRuns
            .Where(r => r.LeaseToken == token && r.Status == EvaluationRunStatus.Running)
            .ExecuteUpdateAsync(
                r => r.SetProperty(x => x.Status, EvaluationRunStatus.Pending)
                    .SetProperty(x => x.LeaseToken, (string?)null)
                    .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(x => x.Attempts, x => x.Attempts > 0 ? x.Attempts - 1 : 0),
                CancellationToken.None);
        if (released > 0)
        {
            logger.Released(released);
        }
    }

    /// <summary>
    /// Stores how an evaluation ended, with its score and the judge's spend, in one transaction, and only while this
    /// pass still holds the evaluation (it was not taken over or superseded meanwhile).
    /// </summary>
    private async Task FinishAsync(
        EvaluationRun run,
        EvaluationPlan plan,
        RunOutcome outcome,
        string token,
        EvaluationRunReport report,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = db.EvaluationRuns.Where(r => r.Id == run.Id
            && r.LeaseToken == token
            && r.Status == EvaluationRunStatus.Running);
        var tokens = outcome.Usage.TotalTokens;
        int updated;
        DateTimeOffset? rateLimitedUntil = null;
        switch (outcome)
        {
            case RunOutcome.Scored scored:
                var scoreId = await InsertScoreAsync(db, run, plan, scored, now, cancellationToken);
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Scored)
                        .SetProperty(x => x.ScoreId, scoreId)
                        .SetProperty(x => x.SpanId, scored.SpanId)
                        .SetProperty(x => x.LastError, (string?)null)
                        .SetProperty(x => x.JudgeTokens, x => x.JudgeTokens + tokens)
                        .SetProperty(x => x.FinishedAt, now)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            case RunOutcome.Skipped skipped:
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Skipped)
                        .SetProperty(x => x.SkipReason, skipped.Reason)
                        .SetProperty(x => x.SpanId, skipped.SpanId)
                        .SetProperty(x => x.LastError, (string?)null)
                        .SetProperty(x => x.JudgeTokens, x => x.JudgeTokens + tokens)
                        .SetProperty(x => x.FinishedAt, now)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            case RunOutcome.Unparseable unparseable:
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Unparseable)
                        .SetProperty(x => x.RawReply, unparseable.RawReply)
                        .SetProperty(x => x.LastError, unparseable.Reason)
                        .SetProperty(x => x.SpanId, unparseable.SpanId)
                        .SetProperty(x => x.JudgeTokens, x => x.JudgeTokens + tokens)
                        .SetProperty(x => x.FinishedAt, now)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            case RunOutcome.BudgetReached budget:
                // Not an attempt: the judge was not asked. It waits for the next UTC day's budget.
                var tomorrow = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Pending)
                        .SetProperty(x => x.LastError, budget.Reason)
                        .SetProperty(x => x.Attempts, x => x.Attempts > 0 ? x.Attempts - 1 : 0)
                        .SetProperty(x => x.NextAttemptAt, tomorrow)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            case RunOutcome.Failed failed when run.Attempts >= Settings.MaxAttempts:
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Failed)
                        .SetProperty(x => x.LastError, failed.Reason)
                        .SetProperty(x => x.JudgeTokens, x => x.JudgeTokens + tokens)
                        .SetProperty(x => x.FinishedAt, now)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            case RunOutcome.Failed failed:
                var delay = RetryDelay(run.Attempts);
                var retryAt = now + (failed.ServerWait is { } wait && wait > delay ? wait : delay);
                rateLimitedUntil = failed.RateLimited ? retryAt : null;
                updated = await mine.ExecuteUpdateAsync(
                    r => r.SetProperty(x => x.Status, EvaluationRunStatus.Pending)
                        .SetProperty(x => x.LastError, failed.Reason)
                        .SetProperty(x => x.JudgeTokens, x => x.JudgeTokens + tokens)
                        .SetProperty(x => x.NextAttemptAt, retryAt)
                        .SetProperty(x => x.LeaseToken, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken);
                break;

            default:
                throw new InvalidOperationException($"Unknown outcome {outcome.GetType().Name}.");
        }

        var spent = plan.IsJudge && (tokens > 0 || outcome.Usage.Cost > 0);
        if (updated == 0)
        {
            // Taken over after a lease ran out, or superseded by a new version: the other owner decides. What the
            // judge was paid for still counts against the budget.
            await transaction.RollbackAsync(cancellationToken);
            if (spent)
            {
                await using var spendTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await AddSpendAsync(db, plan.Evaluator.Id, now, outcome.Usage, cancellationToken);
                await spendTransaction.CommitAsync(cancellationToken);
            }

            return;
        }

        if (spent)
        {
            await AddSpendAsync(db, plan.Evaluator.Id, now, outcome.Usage, cancellationToken);
        }

        if (rateLimitedUntil is { } until)
        {
            await db.Evaluators
                .Where(e => e.Id == plan.Evaluator.Id && (e.RateLimitedUntil == null || e.RateLimitedUntil < until))
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.RateLimitedUntil, until), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Count(report, outcome, run);
        if (rateLimitedUntil is { } limited)
        {
            logger.RateLimited(plan.Evaluator.Id, limited);
        }

        if (outcome is RunOutcome.Scored)
        {
            PublishScore(run.ProjectId, run.TraceId);
        }
    }

    private void Count(EvaluationRunReport report, RunOutcome outcome, EvaluationRun run)
    {
        switch (outcome)
        {
            case RunOutcome.Scored:
                report.CountScored();
                break;
            case RunOutcome.Skipped or RunOutcome.Unparseable:
                report.CountSkipped();
                break;
            case RunOutcome.Failed when run.Attempts >= Settings.MaxAttempts:
                report.CountFailed();
                logger.GaveUp(run.EvaluatorId, run.TraceId, run.Attempts, ((RunOutcome.Failed)outcome).Reason);
                break;
            default:
                report.CountRetried();
                break;
        }
    }

    /// <summary>
    /// Exponential from the configured delay, capped, with jitter so retries do not come back together.
    /// </summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var seconds = Math.Min(
            Settings.RetryDelaySeconds * Math.Pow(2, Math.Max(0, attempts - 1)),
            Settings.MaxRetryDelaySeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>
    /// Inserts the evaluator's score unless the store already has one for this (evaluator, version, trace), and
    /// returns the id of whichever is stored.
    /// </summary>
    private static async Task<long> InsertScoreAsync(
        LlmObserveDbContext db,
        EvaluationRun run,
        EvaluationPlan plan,
        RunOutcome.Scored scored,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var version = plan.Version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var insert = Command(connection, db.Database.CurrentTransaction!, """
            INSERT INTO "Scores" ("ProjectId", "TraceId", "SpanId", "Name", "Value", "Label", "Explanation", "Source",
                "EvaluatorId", "EvaluatorVersion", "CreatedAt")
            VALUES ($project, $trace, $span, $name, $value, $label, $explanation, $source, $evaluator, $version, $now)
            ON CONFLICT DO NOTHING
            RETURNING "Id"
            """);
        insert.Parameters.AddWithValue("$project", run.ProjectId);
        insert.Parameters.AddWithValue("$trace", run.TraceId);
        insert.Parameters.AddWithValue("$span", (object?)scored.SpanId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$name", plan.Evaluator.Name);
        insert.Parameters.AddWithValue("$value", scored.Value);
        insert.Parameters.AddWithValue("$label", (object?)scored.Label ?? DBNull.Value);
        insert.Parameters.AddWithValue("$explanation", scored.Explanation);
        insert.Parameters.AddWithValue("$source", plan.IsJudge ? ScoreSource.Judge : ScoreSource.Offline);
        insert.Parameters.AddWithValue("$evaluator", plan.Evaluator.Id);
        insert.Parameters.AddWithValue("$version", version);
        insert.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
        if (await insert.ExecuteScalarAsync(cancellationToken) is long id)
        {
            return id;
        }

        var evaluatorId = plan.Evaluator.Id;
        return await db.Scores.AsNoTracking()
            .Where(s => s.EvaluatorId == evaluatorId && s.EvaluatorVersion == version && s.TraceId == run.TraceId)
            .Select(s => s.Id)
            .FirstAsync(cancellationToken);
    }

    private static async Task AddSpendAsync(
        LlmObserveDbContext db,
        string evaluatorId,
        DateTimeOffset now,
        JudgeUsage usage,
        CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var upsert = Command(connection, db.Database.CurrentTransaction!, """
            INSERT INTO "JudgeSpendDays" ("EvaluatorId", "Day", "Tokens", "Cost", "Calls")
            VALUES ($evaluator, $day, $tokens, $cost, 1)
            ON CONFLICT ("EvaluatorId", "Day") DO UPDATE SET
                "Tokens" = "Tokens" + excluded."Tokens",
                "Cost" = "Cost" + excluded."Cost",
                "Calls" = "Calls" + 1
            """);
        upsert.Parameters.AddWithValue("$evaluator", evaluatorId);
        upsert.Parameters.AddWithValue("$day", JudgeSpendDay.DayText(DateOnly.FromDateTime(now.UtcDateTime)));
        upsert.Parameters.AddWithValue("$tokens", usage.TotalTokens);
        upsert.Parameters.AddWithValue("$cost", (double)usage.Cost);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
