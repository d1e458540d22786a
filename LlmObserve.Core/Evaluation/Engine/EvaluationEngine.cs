using System.Diagnostics;
using TraceFilter = LlmObserve.Core.Traces.Queries.TraceFilter;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Live;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// Evaluates production traffic with the enabled evaluators. A run of the engine makes passes until nothing is left
/// to do; each pass (1) claims new traces for each evaluator (filter, sampling, settled), as pending evaluations,
/// (2) takes up due evaluations under a lease, (3) evaluates them with bounded concurrency, offline and judge side
/// by side, and (4) stores each outcome in one transaction with its score. Everything it knows is in the store, so
/// a restart, a crash or a second instance resumes where it stopped without losing or doubling a score.
/// </summary>
public sealed partial class EvaluationEngine(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    OfflineEvaluatorCatalog offline,
    JudgeEvaluatorFactory judges,
    JudgeSpendLedger ledger,
    IScoreChangeNotifier scoreChanges,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    ILogger<EvaluationEngine> logger)
{
    private const int MaxRawReplyChars = 20_000;

    /// <summary>Held while a run works, so a stopping host can wait for its evaluations to be handed back.</summary>
    private readonly SemaphoreSlim _running = new(1, 1);

    private EvaluationOptions Settings => options.Evaluation;

    /// <summary>Makes passes until nothing is due or claimable, the run's time is up, or it is cancelled.</summary>
    /// <exception cref="OperationCanceledException">
    /// Cancelled; evaluations in progress were handed back first, to be taken up by the next run.
    /// </exception>
    public async Task<EvaluationRunReport> RunAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var report = new EvaluationRunReport();
            var started = timeProvider.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                var pass = await RunPassAsync(cancellationToken);
                report.Add(pass);
                if ((pass.Claimed == 0 && pass.Taken == 0)
                    || timeProvider.GetElapsedTime(started).TotalSeconds >= Settings.MaxRunSeconds)
                {
                    break;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return report;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>
    /// Completes once no run is working. A host that is stopping cancels the run first, then waits here so that the
    /// run has handed its evaluations back before the store and the services go away.
    /// </summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        _running.Release();
    }

    private async Task<EvaluationRunReport> RunPassAsync(CancellationToken cancellationToken)
    {
        var report = new EvaluationRunReport();
        var started = Stopwatch.GetTimestamp();
        var now = timeProvider.GetUtcNow();

        List<EvaluationPlan> plans;
        List<EvaluationRun> runs;
        var token = Guid.NewGuid().ToString("N");
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            plans = await LoadPlansAsync(db, now, cancellationToken);
            foreach (var plan in plans.Where(plan => plan.CanRun(now)))
            {
                report.AddClaimed(await ClaimAsync(db, plan, now, cancellationToken));
            }

            runs = await TakeDueAsync(db, [.. plans.Where(plan => plan.CanRun(now))], token, cancellationToken);
        }

        report.AddTaken(runs.Count);
        if (runs.Count > 0)
        {
            var byEvaluator = plans.ToDictionary(plan => plan.Evaluator.Id, StringComparer.Ordinal);
            using var renewal = new CancellationTokenSource();
            var renewing = RenewLeasesAsync(token, renewal.Token);
            try
            {
                await ProcessAsync(runs, byEvaluator, token, report, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(token);
                throw;
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
            }
        }

        logger.PassDone(
            report.Claimed,
            report.Taken,
            report.Scored,
            report.Skipped,
            report.Retried,
            report.Failed,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return report;
    }

    /// <summary>The enabled evaluators with their current versions, judges and budgets.</summary>
    private async Task<List<EvaluationPlan>> LoadPlansAsync(
        LlmObserveDbContext db,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var evaluators = await db.Evaluators.AsNoTracking().Where(e => e.Enabled).ToListAsync(cancellationToken);
        if (evaluators.Count == 0)
        {
            return [];
        }

        var ids = evaluators.Select(e => e.Id).ToList();
        var versions = await db.EvaluatorVersions.AsNoTracking()
            .Where(v => ids.Contains(v.EvaluatorId))
            .ToListAsync(cancellationToken);
        var endpointIds = versions.Where(v => v.JudgeEndpointId is not null).Select(v => v.JudgeEndpointId!.Value)
            .Distinct()
            .ToList();
        var endpoints = await db.JudgeEndpoints.AsNoTracking()
            .Where(e => endpointIds.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var dayText = JudgeSpendDay.DayText(day);
        var spent = await db.JudgeSpendDays.AsNoTracking()
            .Where(s => ids.Contains(s.EvaluatorId) && s.Day == dayText)
            .ToDictionaryAsync(s => s.EvaluatorId, StringComparer.Ordinal, cancellationToken);

        var plans = new List<EvaluationPlan>(evaluators.Count);
        foreach (var evaluator in evaluators)
        {
            var version = versions.FirstOrDefault(v => v.EvaluatorId == evaluator.Id
                && v.Version == evaluator.CurrentVersion);
            if (version is null)
            {
                continue;
            }

            JudgeEvaluator? judge = null;
            string? error = null;
            string? budget = null;
            if (evaluator.Kind == EvaluatorKinds.Judge)
            {
                var endpoint = version.JudgeEndpointId is { } endpointId
                    ? endpoints.GetValueOrDefault(endpointId)
                    : null;
                (judge, error) = judges.Get(evaluator, version, endpoint);
                if (spent.TryGetValue(evaluator.Id, out var today))
                {
                    ledger.Restore(evaluator.Id, day, today.Tokens, (decimal)today.Cost);
                }

                budget = judge is null ? null : ledger.Exhausted(evaluator.Id, day, judge.Budget);
            }
            else if (!EvaluatorKinds.IsOffline(evaluator.Kind))
            {
                error = $"'{evaluator.Kind}' is not a kind of evaluator this version knows.";
            }

            if (error != evaluator.ConfigurationError)
            {
                await RecordConfigurationErrorAsync(db, evaluator.Id, error, cancellationToken);
                if (error is not null)
                {
                    logger.Misconfigured(evaluator.Id, error);
                }
            }

            plans.Add(new EvaluationPlan(evaluator, version, FilterOf(evaluator), judge, error, budget));
        }

        return plans;
    }

    private static TraceFilter FilterOf(Evaluator evaluator)
    {
        var filter = string.IsNullOrEmpty(evaluator.FilterJson)
            ? TraceFilter.None
            : JsonSerializer.Deserialize<TraceFilter>(evaluator.FilterJson, StoreJson.Options) ?? TraceFilter.None;

        // An evaluator's filter says which traces, never when: time comes from its cursor or a backfill's range.
        return filter with { From = null, To = null, TraceIds = null };
    }

    private static Task<int> RecordConfigurationErrorAsync(
        LlmObserveDbContext db,
        string evaluatorId,
        string? error,
        CancellationToken cancellationToken)
        => db.Evaluators.Where(e => e.Id == evaluatorId)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.ConfigurationError, error), cancellationToken);

    /// <summary>
    /// Evaluates the taken runs: offline ones grouped by trace (one read of the trace and one embedding memo for all
    /// its offline evaluators) on <see cref="EvaluationOptions.OfflineConcurrency"/> workers, judge ones on
    /// <see cref="EvaluationOptions.JudgeConcurrency"/> at the same time.
    /// </summary>
    private async Task ProcessAsync(
        IReadOnlyList<EvaluationRun> runs,
        Dictionary<string, EvaluationPlan> plans,
        string token,
        EvaluationRunReport report,
        CancellationToken cancellationToken)
    {
        var offlineGroups = runs
            .Where(run => !plans[run.EvaluatorId].IsJudge)
            .GroupBy(run => run.TraceId, StringComparer.Ordinal)
            .Select(group => group.ToList())
            .ToList();
        var judgeRuns = runs.Where(run => plans[run.EvaluatorId].IsJudge).ToList();

        var offlineWork = Parallel.ForEachAsync(
            offlineGroups,
            new ParallelOptions
            {
                MaxDegreeOfParallelism = Settings.OfflineConcurrency,
                CancellationToken = cancellationToken,
            },
            (group, cancel) => new ValueTask(EvaluateOfflineAsync(group, plans, token, report, cancel)));
        var judgeWork = Parallel.ForEachAsync(
            judgeRuns,
            new ParallelOptions
            {
                MaxDegreeOfParallelism = Settings.JudgeConcurrency,
                CancellationToken = cancellationToken,
            },
            (run, cancel) => new ValueTask(EvaluateJudgeAsync(run, plans[run.EvaluatorId], token, report, cancel)));
        await Task.WhenAll(offlineWork, judgeWork);
    }

    private async Task EvaluateOfflineAsync(
        List<EvaluationRun> runs,
        Dictionary<string, EvaluationPlan> plans,
        string token,
        EvaluationRunReport report,
        CancellationToken cancellationToken)
    {
        var memo = new EmbeddingMemo();
        var subjects = new Dictionary<string, EvaluationSubject?>(StringComparer.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var run in runs)
        {
            var plan = plans[run.EvaluatorId];
            RunOutcome outcome;
            try
            {
                var target = plan.Version.Target;
                if (!subjects.TryGetValue(target, out var subject))
                {
                    subject = await EvaluationSubject.ReadAsync(
                        db,
                        run.ProjectId,
                        run.TraceId,
                        target,
                        cancellationToken);
                    subjects[target] = subject;
                }

                outcome = subject is null || subject.SkipReason is not null
                    ? new RunOutcome.Skipped(subject?.SpanId, subject?.SkipReason ?? Gone, JudgeUsage.None)
                    : await Task.Run(() => EvaluateOffline(plan.Evaluator.Kind, subject, memo, cancellationToken),
                        cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException
                || !cancellationToken.IsCancellationRequested)
            {
                logger.Unexpected(error, run.EvaluatorId, run.TraceId);
                outcome = Unexpected;
            }

            await FinishAsync(run, plan, outcome, token, report, cancellationToken);
        }
    }

    private const string Gone = "the trace is no longer stored";

    private static readonly RunOutcome Unexpected =
        new RunOutcome.Failed("The evaluator failed unexpectedly (see the log).", false, JudgeUsage.None);

    private RunOutcome EvaluateOffline(
        string kind,
        EvaluationSubject subject,
        EmbeddingMemo memo,
        CancellationToken cancellationToken)
    {
        var loaded = offline.IsLoaded(kind);
        var loading = Stopwatch.GetTimestamp();
        var evaluator = offline.Get(kind);
        if (!loaded)
        {
            logger.OfflineLoaded(kind, Stopwatch.GetElapsedTime(loading).TotalMilliseconds);
        }

        var result = evaluator.Evaluate(subject.ToOffline(memo), cancellationToken);
        return result.Score is { } score
            ? new RunOutcome.Scored(subject.SpanId, score, result.Label, result.Explanation, JudgeUsage.None)
            : new RunOutcome.Skipped(subject.SpanId, result.Explanation, JudgeUsage.None);
    }

    private async Task EvaluateJudgeAsync(
        EvaluationRun run,
        EvaluationPlan plan,
        string token,
        EvaluationRunReport report,
        CancellationToken cancellationToken)
    {
        RunOutcome outcome;
        try
        {
            EvaluationSubject? subject;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                subject = await EvaluationSubject.ReadAsync(
                    db,
                    run.ProjectId,
                    run.TraceId,
                    plan.Version.Target,
                    cancellationToken);
            }

            if (subject is null || subject.SkipReason is not null)
            {
                outcome = new RunOutcome.Skipped(subject?.SpanId, subject?.SkipReason ?? Gone, JudgeUsage.None);
            }
            else
            {
                var result = await plan.Judge!.EvaluateAsync(subject.ToJudge(), cancellationToken);
                outcome = OutcomeOf(result, subject.SpanId);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException
            || !cancellationToken.IsCancellationRequested)
        {
            logger.Unexpected(error, run.EvaluatorId, run.TraceId);
            outcome = Unexpected;
        }

        await FinishAsync(run, plan, outcome, token, report, cancellationToken);
    }

    private static RunOutcome OutcomeOf(JudgeResult result, string? spanId) => result.Outcome switch
    {
        JudgeOutcome.Scored => new RunOutcome.Scored(
            spanId,
            result.Score!.Value,
            result.Label,
            result.Explanation,
            result.Usage),
        JudgeOutcome.Skipped => new RunOutcome.Skipped(spanId, result.Explanation, result.Usage),
        JudgeOutcome.Unparseable => new RunOutcome.Unparseable(
            spanId,
            result.Explanation,
            Limit(result.RawReply ?? string.Empty),
            result.Usage),
        JudgeOutcome.BudgetReached => new RunOutcome.BudgetReached(result.Explanation),
        JudgeOutcome.RateLimited => new RunOutcome.Failed(
            result.Explanation,
            RateLimited: true,
            result.Usage,
            result.ServerWait),
        _ => new RunOutcome.Failed(result.Explanation, RateLimited: false, result.Usage),
    };

    private static string Limit(string text)
        => text.Length <= MaxRawReplyChars ? text : text[..MaxRawReplyChars] + $"…[truncated, {text.Length} chars]";

    private void PublishScore(string projectId, string traceId)
        => scoreChanges.Publish(new ScoreChange(projectId, [traceId], timeProvider.GetUtcNow()));
}
