using LlmObserve.Core.Outbound;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Datasets;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Experiments;

/// <summary>
/// Runs queued experiments in the background, a few items at a time: asks the model (through the judge client, so it
/// retries, honours Retry-After and shares the endpoint's concurrency cap), scores the answer with each evaluator and
/// saves the item at once, so progress shows as it goes and a restart carries on with the items not done.
/// </summary>
public sealed class ExperimentRunner(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    ExperimentEvaluators evaluators,
    ISecretProtector protector,
    JudgeEndpointLimiter limiter,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    OutboundPolicy? outbound = null)
{
    public const int ItemsAtOnce = 4;

    /// <summary>Runs every unfinished experiment to its end, oldest first.</summary>
    public async Task RunPendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Experiment? next;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                next = await db.Experiments.AsNoTracking()
                    .Where(e => e.Status == ExperimentStatus.Queued || e.Status == ExperimentStatus.Running)
                    .OrderBy(e => e.CreatedAt)
                    .FirstOrDefaultAsync(cancellationToken);
            }

            if (next is null)
            {
                return;
            }

            await RunAsync(next, cancellationToken);
        }
    }

    private async Task RunAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = timeProvider.GetUtcNow();
            await db.Experiments.Where(e => e.Id == experiment.Id && e.StartedAt == null).ExecuteUpdateAsync(
                set => set.SetProperty(e => e.StartedAt, now),
                cancellationToken);
            await db.Experiments.Where(e => e.Id == experiment.Id).ExecuteUpdateAsync(
                set => set.SetProperty(e => e.Status, ExperimentStatus.Running),
                cancellationToken);
        }

        var names = JsonSerializer.Deserialize<List<string>>(experiment.EvaluatorsJson) ?? [];
        var (scorers, errors) = await evaluators.ResolveAsync(experiment.ProjectId, names, cancellationToken);
        JudgeClient? model = null;
        if (errors.Count == 0 && experiment.Mode == ExperimentModes.Model)
        {
            (model, var modelError) = await ModelOfAsync(experiment, cancellationToken);
            if (modelError is not null)
            {
                errors = [modelError];
            }
        }

        if (errors.Count > 0)
        {
            await FinishAsync(experiment.Id, ExperimentStatus.Failed, string.Join(" ", errors), cancellationToken);
            return;
        }

        List<(ExperimentResult Result, DatasetItem Item)> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.ExperimentResults.AsNoTracking()
                .Where(r => r.ExperimentId == experiment.Id && !r.Done)
                .OrderBy(r => r.Position)
                .Join(db.DatasetItems, r => r.ItemRevision, i => i.Id, (r, i) => new { r, i })
                .Select(x => ValueTuple.Create(x.r, x.i))
                .ToListAsync(cancellationToken);
        }

        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = ItemsAtOnce, CancellationToken = cancellationToken },
            async (work, cancel) => await RunItemAsync(experiment, model, scorers, work.Result, work.Item, cancel));
        await FinishAsync(experiment.Id, ExperimentStatus.Completed, null, cancellationToken);
    }

    private async Task RunItemAsync(
        Experiment experiment,
        JudgeClient? model,
        IReadOnlyList<ExperimentEvaluator> scorers,
        ExperimentResult result,
        DatasetItem item,
        CancellationToken cancellationToken)
    {
        var view = DatasetService.ToView(item);
        string? output = result.Output;
        string? error = null;
        double? latency = null;
        if (model is not null)
        {
            var prompt = PromptTemplate.Render(experiment.PromptTemplate!, view.Input, view.Context);
            var watch = Stopwatch.StartNew();
            var call = await model.CompleteAsync(experiment.SystemPrompt ?? string.Empty, prompt, cancellationToken);
            latency = watch.Elapsed.TotalMilliseconds;
            output = call.Status == JudgeCallStatus.Completed ? call.Reply ?? string.Empty : null;
            error = call.Status == JudgeCallStatus.Completed ? null : call.Reason ?? "The model call failed.";
        }

        var scores = new List<ExperimentScore>();
        if (output is not null)
        {
            var subject = new ExperimentCase(view.Input, output, view.Context, view.ExpectedOutput);
            foreach (var scorer in scorers)
            {
                scores.Add(await scorer.EvaluateAsync(subject, cancellationToken));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ExperimentResults.Where(r => r.Id == result.Id).ExecuteUpdateAsync(
            set => set.SetProperty(r => r.Output, output)
                .SetProperty(r => r.Error, error)
                .SetProperty(r => r.LatencyMs, latency)
                .SetProperty(r => r.ScoresJson, JsonSerializer.Serialize(scores, ExperimentService.StoreJsonOptions))
                .SetProperty(r => r.Done, true),
            cancellationToken);
        await db.Experiments.Where(e => e.Id == experiment.Id).ExecuteUpdateAsync(
            set => set.SetProperty(e => e.Completed, e => e.Completed + 1),
            cancellationToken);
    }

    private async Task<(JudgeClient? Client, string? Error)> ModelOfAsync(
        Experiment experiment,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.JudgeEndpoints.AsNoTracking().FirstOrDefaultAsync(
            e => e.ProjectId == experiment.ProjectId && e.Id == experiment.EndpointId,
            cancellationToken);
        if (endpoint is null)
        {
            return (null, "Its endpoint was deleted.");
        }

        string? apiKey;
        try
        {
            apiKey = endpoint.ProtectedApiKey is null ? null : protector.Unprotect(endpoint.ProtectedApiKey);
        }
        catch (CryptographicException)
        {
            return (null, $"The key of endpoint '{endpoint.Name}' cannot be decrypted; enter it again in Settings.");
        }

        var judgeOptions = JudgeEvaluatorFactory.OptionsOf(endpoint, apiKey, experiment.Model, experiment.Temperature);
        var options = new JudgeEndpointOptions
        {
            Provider = judgeOptions.Provider,
            Endpoint = judgeOptions.Endpoint,
            Model = judgeOptions.Model,
            ApiKey = judgeOptions.ApiKey,
            ApiVersion = judgeOptions.ApiVersion,
            Temperature = judgeOptions.Temperature,
            Timeout = judgeOptions.Timeout,
            MaxAttempts = judgeOptions.MaxAttempts,
            MaxConcurrency = judgeOptions.MaxConcurrency,
            InputPricePerMillionTokens = judgeOptions.InputPricePerMillionTokens,
            OutputPricePerMillionTokens = judgeOptions.OutputPricePerMillionTokens,
            RequestJsonFormat = false,
            MaxOutputTokens = experiment.MaxTokens,
        };
        var problems = options.Validate();
        return problems.Count > 0
            ? (null, string.Join(" ", problems))
            : (new JudgeClient(
                options,
                limiter,
                timeProvider,
                loggerFactory.CreateLogger<JudgeClient>(),
                outbound), null);
    }

    private async Task FinishAsync(string id, string status, string? error, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        await db.Experiments.Where(e => e.Id == id).ExecuteUpdateAsync(
            set => set.SetProperty(e => e.Status, status)
                .SetProperty(e => e.Error, error)
                .SetProperty(e => e.FinishedAt, now),
            cancellationToken);
    }
}
