using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Evaluators;

public sealed partial class EvaluatorService
{
    /// <summary>
    /// Every reason the draft cannot be saved, and the version it would make. Nothing here calls the judge.
    /// </summary>
    private async Task<(EvaluatorVersion Version, List<FieldError> Errors)> CheckAsync(
        LlmObserveDbContext db,
        string projectId,
        Evaluator? existing,
        EvaluatorDraft draft,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new FieldError("name", "A name is required; it is also the name of the scores written."));
        }
        else if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(new FieldError("name", $"The name must be at most {MaxNameLength} printable characters."));
        }
        else
        {
            var taken = await db.Evaluators.AsNoTracking()
                .Where(e => e.ProjectId == projectId && (existing == null || e.Id != existing.Id))
                .Select(e => e.Name)
                .ToListAsync(cancellationToken);
            if (taken.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError("name", $"An evaluator named '{name}' exists already."));
            }
        }

        var kind = draft.Kind?.Trim();
        if (string.IsNullOrEmpty(kind) || !EvaluatorKinds.All.Contains(kind))
        {
            errors.Add(new FieldError(
                "kind",
                $"The kind must be one of {string.Join(", ", EvaluatorKinds.All)}."));
        }
        else if (existing is not null && existing.Kind != kind)
        {
            errors.Add(new FieldError(
                "kind",
                $"An evaluator's kind cannot change (it is {existing.Kind}); create a new evaluator instead."));
        }

        var target = string.IsNullOrWhiteSpace(draft.Target) ? EvaluatorTargets.Trace : draft.Target.Trim();
        if (!EvaluatorTargets.All.Contains(target))
        {
            errors.Add(new FieldError(
                "target",
                $"The target must be one of {string.Join(", ", EvaluatorTargets.All)}."));
        }

        if (!double.IsFinite(draft.SamplingRate) || draft.SamplingRate < 0 || draft.SamplingRate > 1)
        {
            errors.Add(new FieldError("samplingRate", "The sampling rate must lie between 0 and 1."));
        }

        var version = new EvaluatorVersion
        {
            EvaluatorId = existing?.Id ?? string.Empty,
            Target = target,
            Method = kind is not null && EvaluatorKinds.IsOffline(kind) ? OfflineEvaluatorCatalog.MethodOf(kind) : null,
        };
        if (kind == EvaluatorKinds.Judge)
        {
            await CheckJudgeAsync(db, projectId, name ?? "judge", draft.Judge, version, errors, cancellationToken);
        }
        else if (draft.Judge is not null)
        {
            errors.Add(new FieldError("judge", "Only a judge evaluator takes judge settings."));
        }

        return (version, errors);
    }

    private static async Task CheckJudgeAsync(
        LlmObserveDbContext db,
        string projectId,
        string name,
        JudgeSettingsDraft? judge,
        EvaluatorVersion version,
        List<FieldError> errors,
        CancellationToken cancellationToken)
    {
        if (judge is null)
        {
            errors.Add(new FieldError("judge", "A judge evaluator needs its judge settings (endpoint and template)."));
            return;
        }

        if (judge.EndpointId is not { } endpointId)
        {
            errors.Add(new FieldError("judge.endpointId", "Choose a judge endpoint (add one in Settings first)."));
        }
        else if (!await db.JudgeEndpoints.AnyAsync(
            e => e.ProjectId == projectId && e.Id == endpointId,
            cancellationToken))
        {
            errors.Add(new FieldError("judge.endpointId", $"There is no judge endpoint {endpointId} in this project."));
        }

        var templateName = judge.Template?.Trim();
        var builtIn = JudgeTemplates.BuiltIn.Select(t => t.Name).ToList();
        if (string.IsNullOrEmpty(templateName)
            || (templateName != EvaluatorKinds.CustomTemplate && !builtIn.Contains(templateName)))
        {
            errors.Add(new FieldError(
                "judge.template",
                $"The template must be one of {string.Join(", ", builtIn)} or {EvaluatorKinds.CustomTemplate}."));
        }
        else if (templateName == EvaluatorKinds.CustomTemplate)
        {
            CheckCustomTemplate(name, judge, errors);
            version.Prompt = judge.Prompt;
            version.LabelsJson = judge.Labels is { Count: > 0 } labels
                ? JsonSerializer.Serialize(labels, StoreJson.Options)
                : null;
        }
        else if (!string.IsNullOrWhiteSpace(judge.Prompt) || judge.Labels is { Count: > 0 })
        {
            errors.Add(new FieldError(
                "judge.prompt",
                "A built-in template has its own prompt and labels; "
                    + $"choose {EvaluatorKinds.CustomTemplate} to write one."));
        }

        if (judge.Model is { } model && (model.Trim().Length == 0 || model.Length > 200))
        {
            errors.Add(new FieldError("judge.model", "The model must be 1 to 200 characters, or left out."));
        }

        if (judge.Temperature is { } temperature && !(temperature >= 0 && temperature <= 2))
        {
            errors.Add(new FieldError("judge.temperature", "The temperature must lie between 0 and 2."));
        }

        if (judge.MaxTokensPerDay is < 1)
        {
            errors.Add(new FieldError("judge.maxTokensPerDay", "The daily token cap must be at least 1, or left out."));
        }

        if (judge.MaxCostPerDay is { } cost && cost <= 0)
        {
            errors.Add(new FieldError("judge.maxCostPerDay", "The daily cost cap must be above 0, or left out."));
        }

        version.TemplateName = templateName;
        version.JudgeEndpointId = judge.EndpointId;
        version.Model = string.IsNullOrWhiteSpace(judge.Model) ? null : judge.Model.Trim();
        version.Temperature = judge.Temperature;
        version.MaxTokensPerDay = judge.MaxTokensPerDay;
        version.MaxCostPerDay = judge.MaxCostPerDay;
    }

    private static void CheckCustomTemplate(string name, JudgeSettingsDraft judge, List<FieldError> errors)
    {
        if (judge.Prompt is { Length: > MaxPromptLength })
        {
            errors.Add(new FieldError("judge.prompt", $"The prompt must be at most {MaxPromptLength} characters."));
            return;
        }

        // The prompt and the labels are checked apart so that each reason lands beside its own field.
        var prompt = new JudgeTemplate { Name = name, Prompt = judge.Prompt ?? string.Empty };
        errors.AddRange(prompt.Validate().Select(message => new FieldError("judge.prompt", message)));
        if (judge.Labels is { Count: > 0 } labels)
        {
            var labelled = new JudgeTemplate { Name = name, Prompt = "{{output}}", Labels = labels };
            errors.AddRange(labelled.Validate().Select(message => new FieldError("judge.labels", message)));
        }
    }

    /// <summary>One real call to the judge the version would use; every way it fails is a reason to refuse.</summary>
    private async Task<IReadOnlyList<FieldError>> TestJudgeAsync(
        LlmObserveDbContext db,
        string projectId,
        EvaluatorVersion version,
        CancellationToken cancellationToken)
    {
        var endpoint = await db.JudgeEndpoints.AsNoTracking().FirstAsync(
            e => e.ProjectId == projectId && e.Id == version.JudgeEndpointId,
            cancellationToken);
        string? key;
        try
        {
            key = endpoint.ProtectedApiKey is null ? null : protector.Unprotect(endpoint.ProtectedApiKey);
        }
        catch (CryptographicException)
        {
            return [new FieldError(
                "judge.endpointId",
                $"The key of judge endpoint '{endpoint.Name}' cannot be decrypted here; enter it again in Settings.")];
        }

        var options = JudgeEvaluatorFactory.OptionsOf(endpoint, key, version.Model, version.Temperature);
        var result = await connectionTester.TestAsync(options, cancellationToken);
        if (result.Succeeded)
        {
            return [];
        }

        return result.Problem switch
        {
            JudgeConnectionProblem.Model => [new FieldError("judge.model", result.Message)],
            JudgeConnectionProblem.Key => [new FieldError(
                "judge.endpointId",
                $"{result.Message} Check the key of '{endpoint.Name}' in Settings › Judge endpoints.")],
            _ => [new FieldError("judge.endpointId", $"Judge endpoint '{endpoint.Name}': {result.Message}")],
        };
    }
}
