using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Evaluation;

/// <summary>The evaluator form's fields, as text where a person types them.</summary>
public sealed class EvaluatorForm
{
    /// <summary>The evaluator being changed; null for a new one.</summary>
    public string? Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Kind { get; set; } = EvaluatorKinds.Judge;

    public string Target { get; set; } = EvaluatorTargets.Trace;

    public string Filter { get; set; } = string.Empty;

    public double SamplingRate { get; set; } = 1;

    public bool Enabled { get; set; } = true;

    public long? EndpointId { get; set; }

    public string Template { get; set; } = JudgeTemplates.Groundedness.Name;

    public string Prompt { get; set; } = string.Empty;

    /// <summary>Labels as <c>name=score</c> pairs separated by commas, e.g. <c>good=1, bad=0</c>.</summary>
    public string Labels { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public double? Temperature { get; set; }

    public long? MaxTokensPerDay { get; set; }

    public decimal? MaxCostPerDay { get; set; }

    public bool IsJudge => Kind == EvaluatorKinds.Judge;

    public bool IsCustom => Template == EvaluatorKinds.CustomTemplate;
}

/// <summary>The backfill dialog's range, typed in UTC.</summary>
public sealed class BackfillForm
{
    public required string EvaluatorId { get; init; }

    public required string EvaluatorName { get; init; }

    public string From { get; set; } = string.Empty;

    public string To { get; set; } = string.Empty;
}

/// <summary>
/// State of the Evaluations page: the evaluators with their states and counts, the form that creates or changes
/// one (refused with the reason beside each field), the backfill dialog, and the status of the selected evaluator.
/// Until accounts exist the page shows the first project.
/// </summary>
public sealed class EvaluationsViewModel(
    EvaluatorService evaluators,
    JudgeEndpointService endpoints,
    CurrentProject currentProject,
    TimeProvider timeProvider,
    AuditActor actor)
{
    public const string DateFormat = "yyyy-MM-dd HH:mm";

    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    public IReadOnlyList<EvaluatorView> Evaluators { get; private set; } = [];

    public IReadOnlyList<JudgeEndpointView> Endpoints { get; private set; } = [];

    public EvaluatorForm? Form { get; private set; }

    public BackfillForm? Backfill { get; private set; }

    /// <summary>Why the form or the backfill was refused, each naming its field.</summary>
    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    /// <summary>What the last action did, said once.</summary>
    public string? Notice { get; private set; }

    public EvaluatorStatusDetail? Status { get; private set; }

    public async Task LoadAsync(string? selectedId, CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        if (ProjectId is null)
        {
            IsLoaded = true;
            return;
        }

        Evaluators = await evaluators.ListAsync(ProjectId, cancellationToken);
        Endpoints = await endpoints.ListAsync(ProjectId, cancellationToken);
        Status = selectedId is null ? null : await evaluators.GetStatusAsync(ProjectId, selectedId, cancellationToken);
        IsLoaded = true;
    }

    public void StartCreate()
    {
        Backfill = null;
        Errors = [];
        Notice = null;
        Form = new EvaluatorForm { EndpointId = Endpoints.Count > 0 ? Endpoints[0].Id : null };
    }

    public void StartEdit(string id)
    {
        if (Evaluators.FirstOrDefault(e => e.Id == id) is not { } view)
        {
            return;
        }

        Backfill = null;
        Errors = [];
        Notice = null;
        Form = new EvaluatorForm
        {
            Id = view.Id,
            Name = view.Name,
            Kind = view.Kind,
            Target = view.Target,
            Filter = view.Filter,
            SamplingRate = view.SamplingRate,
            Enabled = view.Enabled,
            EndpointId = view.Judge?.EndpointId,
            Template = view.Judge?.Template ?? JudgeTemplates.Groundedness.Name,
            Prompt = view.Judge?.Prompt ?? string.Empty,
            Labels = string.Join(", ", (view.Judge?.Labels ?? []).Select(l =>
                string.Create(CultureInfo.InvariantCulture, $"{l.Name}={l.Score}"))),
            Model = view.Judge?.Model ?? string.Empty,
            Temperature = view.Judge?.Temperature,
            MaxTokensPerDay = view.Judge?.MaxTokensPerDay,
            MaxCostPerDay = view.Judge?.MaxCostPerDay,
        };
    }

    public void CloseForm()
    {
        Form = null;
        Errors = [];
    }

    /// <summary>
    /// What is wrong with a custom prompt (an unknown variable, none at all, nothing written), checked while it is
    /// typed by the same rules the save applies.
    /// </summary>
    public IReadOnlyList<string> PromptProblems(string? prompt)
        => new JudgeTemplate { Name = EvaluatorKinds.CustomTemplate, Prompt = prompt ?? string.Empty }.Validate();

    /// <returns>True when saved.</returns>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (Form is not { } form || ProjectId is null)
        {
            return false;
        }

        var errors = new List<FieldError>();
        var (filter, query, filterErrors) = EvaluatorFilterParser.Parse(form.Filter, timeProvider.GetUtcNow());
        errors.AddRange(filterErrors.Select(message => new FieldError("filter", message)));
        var labels = ParseLabels(form.Labels, errors);
        if (errors.Count > 0)
        {
            Errors = errors;
            return false;
        }

        var draft = new EvaluatorDraft
        {
            Name = form.Name,
            Kind = form.Kind,
            Target = form.Target,
            FilterQuery = query,
            Filter = filter,
            SamplingRate = form.SamplingRate,
            Enabled = form.Enabled,
            Judge = !form.IsJudge ? null : new JudgeSettingsDraft
            {
                EndpointId = form.EndpointId,
                Template = form.Template,
                Prompt = form.IsCustom ? form.Prompt : null,
                Labels = form.IsCustom ? labels : null,
                Model = string.IsNullOrWhiteSpace(form.Model) ? null : form.Model,
                Temperature = form.Temperature,
                MaxTokensPerDay = form.MaxTokensPerDay,
                MaxCostPerDay = form.MaxCostPerDay,
            },
        };
        var result = form.Id is null
            ? await evaluators.CreateAsync(ProjectId, draft, cancellationToken)
            : await evaluators.UpdateAsync(ProjectId, form.Id, draft, cancellationToken);
        if (result.Evaluator is not { } saved)
        {
            Errors = result.NotFound ? [new FieldError("name", "The evaluator was deleted meanwhile.")] : result.Errors;
            return false;
        }

        await actor.RecordAsync(
            ProjectId,
            form.Id is null ? AuditActions.EvaluatorCreated : AuditActions.EvaluatorUpdated,
            saved.Id,
            new { name = saved.Name, version = saved.Version },
            CancellationToken.None);
        Notice = form.Id is null
            ? $"Evaluator '{saved.Name}' created; it scores traces stored from now on."
            : result.NewVersion
                ? $"Evaluator '{saved.Name}' saved as version {saved.Version}; it scores traces stored from now on."
                : $"Evaluator '{saved.Name}' saved (still version {saved.Version}).";
        Form = null;
        Errors = [];
        return true;
    }

    public async Task SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (ProjectId is not null && await evaluators.SetEnabledAsync(ProjectId, id, enabled, cancellationToken)
            is { } view)
        {
            await actor.RecordAsync(
                ProjectId,
                enabled ? AuditActions.EvaluatorEnabled : AuditActions.EvaluatorDisabled,
                id,
                new { name = view.Name },
                CancellationToken.None);
            Notice = $"Evaluator '{view.Name}' {(enabled ? "enabled" : "disabled")}.";
        }
    }

    public void StartBackfill(string id)
    {
        if (Evaluators.FirstOrDefault(e => e.Id == id) is not { } view)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        Form = null;
        Errors = [];
        Notice = null;
        Backfill = new BackfillForm
        {
            EvaluatorId = id,
            EvaluatorName = view.Name,
            From = (now - TimeSpan.FromDays(1)).ToString(DateFormat, CultureInfo.InvariantCulture),
            To = now.ToString(DateFormat, CultureInfo.InvariantCulture),
        };
    }

    public void CloseBackfill()
    {
        Backfill = null;
        Errors = [];
    }

    /// <returns>True when the backfill was started.</returns>
    public async Task<bool> SubmitBackfillAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (Backfill is not { } form || ProjectId is null)
        {
            return false;
        }

        var errors = new List<FieldError>();
        var from = ParseUtc(form.From, "from", errors);
        var to = ParseUtc(form.To, "to", errors);
        if (errors.Count > 0)
        {
            Errors = errors;
            return false;
        }

        var (backfill, refused, _) = await evaluators.BackfillAsync(
            ProjectId,
            form.EvaluatorId,
            from,
            to,
            cancellationToken);
        if (backfill is null)
        {
            Errors = refused;
            return false;
        }

        Notice = $"Backfill of '{form.EvaluatorName}' started for traces from {form.From} to {form.To} UTC.";
        Backfill = null;
        Errors = [];
        return true;
    }

    private static DateTimeOffset? ParseUtc(string text, string field, List<FieldError> errors)
    {
        if (DateTimeOffset.TryParseExact(
                text.Trim(),
                [DateFormat, "yyyy-MM-dd"],
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var value))
        {
            return value;
        }

        errors.Add(new FieldError(field, "Write the time as yyyy-MM-dd or yyyy-MM-dd HH:mm (UTC)."));
        return null;
    }

    private static List<JudgeLabel> ParseLabels(string text, List<FieldError> errors)
    {
        var labels = new List<JudgeLabel>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            var scoreText = equals <= 0 ? string.Empty : part[(equals + 1)..];
            if (equals <= 0
                || !double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
            {
                errors.Add(new FieldError("judge.labels", $"'{part}' is not name=score (e.g. good=1, bad=0)."));
                continue;
            }

            labels.Add(new JudgeLabel(part[..equals].Trim(), score));
        }

        return labels;
    }
}
