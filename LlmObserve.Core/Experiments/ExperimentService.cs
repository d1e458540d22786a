using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Datasets;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Experiments;

/// <summary>
/// Experiments: checked and queued here (the runner does the work in the background), read with their progress and
/// score means, compared item by item, and judged by the gate.
/// </summary>
public sealed class ExperimentService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    ExperimentEvaluators evaluators,
    TimeProvider timeProvider)
{
    /// <summary>A score this much lower than the baseline's makes an item worse; less is noise.</summary>
    public const double Tolerance = 1e-6;

    public async Task<(ExperimentView? Experiment, IReadOnlyList<FieldError> Errors)> CreateAsync(
        string projectId,
        ExperimentDraft draft,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dataset = draft.DatasetId is null
            ? null
            : await db.Datasets.AsNoTracking()
                .FirstOrDefaultAsync(d => d.ProjectId == projectId && d.Id == draft.DatasetId, cancellationToken);
        if (dataset is null)
        {
            errors.Add(new FieldError("datasetId", "'datasetId' names no dataset of this project."));
        }

        var version = draft.DatasetVersion ?? dataset?.Version ?? 0;
        if (dataset is not null && (version < 1 || version > dataset.Version))
        {
            errors.Add(new FieldError(
                "datasetVersion",
                $"'datasetVersion' must be from 1 to {dataset.Version}, the dataset's current version."));
        }

        var items = dataset is null || errors.Count > 0
            ? []
            : await DatasetService.ItemsAtAsync(db, dataset.Id, version, cancellationToken);
        if (dataset is not null && errors.Count == 0 && items.Count == 0)
        {
            errors.Add(new FieldError("datasetId", $"The dataset has no items at version {version}."));
        }

        var mode = draft.Outputs is null ? ExperimentModes.Model : ExperimentModes.Outputs;
        if (mode == ExperimentModes.Model)
        {
            await CheckModelAsync(db, projectId, draft, errors, cancellationToken);
        }
        else
        {
            var known = items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
            var missing = items.Where(i => !draft.Outputs!.ContainsKey(i.ItemId)).Select(i => i.ItemId).ToList();
            var unknown = draft.Outputs!.Keys.Where(k => !known.Contains(k)).ToList();
            if (items.Count > 0 && missing.Count > 0)
            {
                errors.Add(new FieldError("outputs", "No output for item(s) " + Few(missing) + "."));
            }

            if (unknown.Count > 0)
            {
                errors.Add(new FieldError(
                    "outputs",
                    $"Item(s) {Few(unknown)} are not in version {version} of the dataset."));
            }
        }

        var names = (draft.Evaluators ?? []).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct().ToList();
        if (names.Count == 0 || names.Count > ExperimentEvaluators.MaxEvaluators)
        {
            errors.Add(new FieldError(
                "evaluators",
                $"'evaluators' names 1 to {ExperimentEvaluators.MaxEvaluators} evaluators, e.g. [\"similarity\"]."));
        }
        else
        {
            var (_, unknown) = await evaluators.ResolveAsync(projectId, names, cancellationToken);
            errors.AddRange(unknown.Select(message => new FieldError("evaluators", message)));
        }

        var name = draft.Name?.Trim();
        if (name?.Length > 200)
        {
            errors.Add(new FieldError("name", "'name' is at most 200 characters."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = timeProvider.GetUtcNow();
        var experiment = new Experiment
        {
            Id = "ex-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            ProjectId = projectId,
            Name = string.IsNullOrEmpty(name) ? $"{dataset!.Name} v{version} {now:yyyy-MM-dd HH:mm}" : name,
            DatasetId = dataset!.Id,
            DatasetVersion = version,
            Mode = mode,
            EndpointId = mode == ExperimentModes.Model ? draft.EndpointId : null,
            Model = string.IsNullOrWhiteSpace(draft.Model) ? null : draft.Model.Trim(),
            SystemPrompt = string.IsNullOrWhiteSpace(draft.SystemPrompt) ? null : draft.SystemPrompt,
            PromptTemplate = mode == ExperimentModes.Model ? draft.PromptTemplate : null,
            Temperature = draft.Temperature,
            MaxTokens = draft.MaxTokens,
            EvaluatorsJson = JsonSerializer.Serialize(names),
            Status = ExperimentStatus.Queued,
            Total = items.Count,
            CreatedAt = now,
        };
        db.Experiments.Add(experiment);
        var position = 0;
        foreach (var item in items)
        {
            db.ExperimentResults.Add(new ExperimentResult
            {
                ExperimentId = experiment.Id,
                ItemId = item.ItemId,
                ItemRevision = item.Id,
                Position = position++,
                Output = draft.Outputs?.GetValueOrDefault(item.ItemId),
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(projectId, experiment.Id, cancellationToken), []);
    }

    public async Task<IReadOnlyList<ExperimentView>> ListAsync(
        string projectId,
        string? datasetId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var experiments = await db.Experiments.AsNoTracking()
            .Where(e => e.ProjectId == projectId && (datasetId == null || e.DatasetId == datasetId))
            .OrderByDescending(e => e.CreatedAt)
            .Take(200)
            .ToListAsync(cancellationToken);
        var views = new List<ExperimentView>();
        foreach (var experiment in experiments)
        {
            views.Add(await ViewAsync(db, experiment, cancellationToken));
        }

        return views;
    }

    public async Task<ExperimentView?> GetAsync(string projectId, string id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var experiment = await db.Experiments.AsNoTracking()
            .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == id, cancellationToken);
        return experiment is null ? null : await ViewAsync(db, experiment, cancellationToken);
    }

    public async Task<IReadOnlyList<ExperimentResultView>?> ResultsAsync(
        string projectId,
        string id,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Experiments.AnyAsync(e => e.ProjectId == projectId && e.Id == id, cancellationToken))
        {
            return null;
        }

        return await ResultViewsAsync(db, id, cancellationToken);
    }

    /// <summary>
    /// The candidate against the baseline, item by item (matched by dataset item id, so runs of different versions
    /// compare on the items they share). An item is worse when any score both runs gave it fell, or it lost its
    /// output; better when some score rose and none fell.
    /// </summary>
    public async Task<ExperimentComparison?> CompareAsync(
        string projectId,
        string baselineId,
        string candidateId,
        CancellationToken cancellationToken)
    {
        var baseline = await GetAsync(projectId, baselineId, cancellationToken);
        var candidate = await GetAsync(projectId, candidateId, cancellationToken);
        if (baseline is null || candidate is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var before = (await ResultViewsAsync(db, baselineId, cancellationToken))
            .ToDictionary(r => r.ItemId, StringComparer.Ordinal);
        var after = await ResultViewsAsync(db, candidateId, cancellationToken);
        var items = new List<ComparedItem>();
        foreach (var result in after)
        {
            items.Add(Compare(before.GetValueOrDefault(result.ItemId), result));
            before.Remove(result.ItemId);
        }

        items.AddRange(before.Values.Select(result => Compare(result, null)));
        var names = baseline.Means.Keys.Union(candidate.Means.Keys).Order(StringComparer.Ordinal);
        var means = names.Select(n => new ScoreDelta(
            n,
            baseline.Means.TryGetValue(n, out var b) ? b : null,
            candidate.Means.TryGetValue(n, out var c) ? c : null)).ToList();
        return new ExperimentComparison(
            baseline,
            candidate,
            means,
            items.Count(i => i.Change == ItemChange.Better),
            items.Count(i => i.Change == ItemChange.Worse),
            items.Count(i => i.Change == ItemChange.Same),
            items);
    }

    /// <summary>The gate's verdict on a finished experiment; errors name what in the request is wrong.</summary>
    public async Task<(GateResult? Result, IReadOnlyList<FieldError> Errors, bool NotFound)> GateAsync(
        string projectId,
        string id,
        GateRequest request,
        CancellationToken cancellationToken)
    {
        var experiment = await GetAsync(projectId, id, cancellationToken);
        if (experiment is null)
        {
            return (null, [], true);
        }

        var errors = new List<FieldError>();
        if (!ExperimentStatus.IsFinal(experiment.Status))
        {
            errors.Add(new FieldError(
                "experiment",
                $"The experiment is still {experiment.Status} ({experiment.Completed}/{experiment.Total} items); "
                    + "gate it once it has finished."));
        }

        if (request.MaxRegressions is < 0 || request.MaxFailedItems is < 0)
        {
            errors.Add(new FieldError("maxRegressions", "'maxRegressions' and 'maxFailedItems' are 0 or more."));
        }

        if (request.MaxRegressions is not null && request.BaselineId is null)
        {
            errors.Add(new FieldError("baselineId", "'maxRegressions' needs a 'baselineId' to compare with."));
        }

        ExperimentComparison? comparison = null;
        if (request.BaselineId is { } baselineId && errors.Count == 0)
        {
            comparison = await CompareAsync(projectId, baselineId, id, cancellationToken);
            if (comparison is null)
            {
                errors.Add(new FieldError("baselineId", $"No experiment '{baselineId}' exists in this project."));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        var checks = new List<GateCheck>();
        if (experiment.Status == ExperimentStatus.Failed)
        {
            checks.Add(new GateCheck("run", false, "The run failed: " + experiment.Error));
        }

        foreach (var (score, threshold) in request.Min ?? new Dictionary<string, double>())
        {
            checks.Add(experiment.Means.TryGetValue(score, out var mean)
                ? new GateCheck($"min {score}", mean >= threshold, $"{score} mean {F(mean)} (min {F(threshold)})")
                : new GateCheck($"min {score}", false, $"{score}: no item was scored (min {F(threshold)})"));
        }

        foreach (var (score, threshold) in request.Max ?? new Dictionary<string, double>())
        {
            checks.Add(experiment.Means.TryGetValue(score, out var mean)
                ? new GateCheck($"max {score}", mean <= threshold, $"{score} mean {F(mean)} (max {F(threshold)})")
                : new GateCheck($"max {score}", false, $"{score}: no item was scored (max {F(threshold)})"));
        }

        var maxFailed = request.MaxFailedItems ?? 0;
        checks.Add(new GateCheck(
            "failed items",
            experiment.Failed <= maxFailed,
            $"{experiment.Failed} item(s) without an output (max {maxFailed})"));

        var regressed = comparison?.Items.Where(i => i.Change == ItemChange.Worse).ToList() ?? [];
        if (comparison is not null && request.MaxRegressions is { } maxRegressions)
        {
            checks.Add(new GateCheck(
                "regressions",
                regressed.Count <= maxRegressions,
                $"{regressed.Count} item(s) worse than {request.BaselineId}, {comparison.Better} better "
                    + $"(max {maxRegressions} worse)"));
        }

        var passed = checks.All(c => c.Passed);
        return (new GateResult(
            passed,
            id,
            request.BaselineId,
            experiment.Means,
            regressed.Count,
            checks,
            regressed,
            Summarize(experiment, checks, regressed, passed)), [], false);
    }

    private static string Summarize(
        ExperimentView experiment,
        IReadOnlyList<GateCheck> checks,
        IReadOnlyList<ComparedItem> regressed,
        bool passed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Experiment {experiment.Id} \"{experiment.Name}\": dataset {
            experiment.DatasetId} v{experiment.DatasetVersion}, {experiment.Total} items, {experiment.Status}");
        foreach (var (name, mean) in experiment.Means.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-24} mean {F(mean)}");
        }

        foreach (var check in checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  [{(check.Passed ? "pass" : "FAIL")}] {check.Message}");
        }

        foreach (var item in regressed.Take(20))
        {
            var drops = string.Join(", ", item.Scores.Where(s => s.Delta < -Tolerance)
                .Select(s => $"{s.Name} {F(s.Baseline ?? 0)} -> {F(s.Candidate ?? 0)}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  worse: {item.ItemId} {Clip(item.Input)} {drops}");
        }

        text.Append(passed ? "GATE PASSED" : "GATE FAILED");
        return text.ToString();
    }

    private static ComparedItem Compare(ExperimentResultView? before, ExperimentResultView? after)
    {
        var shown = after ?? before!;
        if (before is null || after is null)
        {
            var scores = shown.Scores.Select(s => before is null
                ? new ScoreDelta(s.Name, null, s.Value)
                : new ScoreDelta(s.Name, s.Value, null)).ToList();
            return new ComparedItem(
                shown.ItemId,
                shown.Input,
                shown.ExpectedOutput,
                before?.Output,
                after?.Output,
                scores,
                before is null ? ItemChange.Added : ItemChange.Removed);
        }

        var names = before.Scores.Select(s => s.Name).Union(after.Scores.Select(s => s.Name));
        var deltas = names.Select(n => new ScoreDelta(
            n,
            before.Scores.FirstOrDefault(s => s.Name == n)?.Value,
            after.Scores.FirstOrDefault(s => s.Name == n)?.Value)).ToList();
        var lostOutput = before.Error is null && after.Error is not null;
        var change = lostOutput || deltas.Any(d => d.Delta < -Tolerance)
            ? ItemChange.Worse
            : deltas.Any(d => d.Delta > Tolerance) || (before.Error is not null && after.Error is null)
                ? ItemChange.Better
                : ItemChange.Same;
        return new ComparedItem(
            after.ItemId,
            after.Input,
            after.ExpectedOutput,
            before.Output,
            after.Output,
            deltas,
            change);
    }

    private static async Task<List<ExperimentResultView>> ResultViewsAsync(
        LlmObserveDbContext db,
        string experimentId,
        CancellationToken cancellationToken)
    {
        var rows = await db.ExperimentResults.AsNoTracking()
            .Where(r => r.ExperimentId == experimentId)
            .OrderBy(r => r.Position)
            .Join(db.DatasetItems, r => r.ItemRevision, i => i.Id, (r, i) => new { r, i.Input, i.ExpectedOutput })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(row => new ExperimentResultView(
            row.r.ItemId,
            row.r.ItemRevision,
            row.Input,
            row.ExpectedOutput,
            row.r.Output,
            row.r.Error,
            row.r.LatencyMs,
            row.r.Done,
            ScoresOf(row.r.ScoresJson)))];
    }

    private static async Task<ExperimentView> ViewAsync(
        LlmObserveDbContext db,
        Experiment experiment,
        CancellationToken cancellationToken)
    {
        var results = await db.ExperimentResults.AsNoTracking()
            .Where(r => r.ExperimentId == experiment.Id && r.Done)
            .Select(r => new { r.ScoresJson, r.Error })
            .ToListAsync(cancellationToken);
        var means = results
            .SelectMany(r => ScoresOf(r.ScoresJson))
            .Where(s => s.Value is not null)
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Average(s => s.Value!.Value), StringComparer.Ordinal);
        return new ExperimentView(
            experiment.Id,
            experiment.Name,
            experiment.DatasetId,
            experiment.DatasetVersion,
            experiment.Mode,
            experiment.EndpointId,
            experiment.Model,
            experiment.SystemPrompt,
            experiment.PromptTemplate,
            experiment.Temperature,
            experiment.MaxTokens,
            JsonSerializer.Deserialize<List<string>>(experiment.EvaluatorsJson) ?? [],
            experiment.Status,
            experiment.Total,
            experiment.Completed,
            results.Count(r => r.Error is not null),
            experiment.Error,
            means,
            experiment.CreatedAt,
            experiment.StartedAt,
            experiment.FinishedAt);
    }

    private static async Task CheckModelAsync(
        LlmObserveDbContext db,
        string projectId,
        ExperimentDraft draft,
        List<FieldError> errors,
        CancellationToken cancellationToken)
    {
        if (draft.EndpointId is not { } endpointId
            || !await db.JudgeEndpoints.AnyAsync(
                e => e.ProjectId == projectId && e.Id == endpointId,
                cancellationToken))
        {
            errors.Add(new FieldError(
                "endpointId",
                "'endpointId' names no endpoint of this project (Settings → Judge endpoints); or upload 'outputs'."));
        }

        if (string.IsNullOrWhiteSpace(draft.PromptTemplate))
        {
            errors.Add(new FieldError("promptTemplate", "'promptTemplate' is required, e.g. \"Answer: {input}\"."));
        }
        else if (PromptTemplate.Check(draft.PromptTemplate) is { } templateError)
        {
            errors.Add(new FieldError("promptTemplate", templateError));
        }

        if (draft.Temperature is < 0 or > 2)
        {
            errors.Add(new FieldError("temperature", "'temperature' is from 0 to 2."));
        }

        if (draft.MaxTokens is < 1 or > 100_000)
        {
            errors.Add(new FieldError("maxTokens", "'maxTokens' is from 1 to 100000."));
        }
    }

    public static IReadOnlyList<ExperimentScore> ScoresOf(string? json)
        => json is null ? [] : JsonSerializer.Deserialize<List<ExperimentScore>>(json, StoreJsonOptions) ?? [];

    internal static JsonSerializerOptions StoreJsonOptions => Traces.StoreJson.Options;

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Few(List<string> ids)
        => string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? $" and {ids.Count - 5} more" : string.Empty);

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 60 ? $"\"{line}\"" : $"\"{line[..57]}...\"";
    }
}
