using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Evaluation;

/// <summary>The judge endpoint form's fields. The key field starts empty; left empty it keeps the stored key.</summary>
public sealed class JudgeEndpointForm
{
    public long? Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Provider { get; set; } = JudgeProviderNames.OpenAICompatible;

    public string BaseUrl { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public string ApiVersion { get; set; } = JudgeProviderNames.AzureApiVersions[0];

    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Whether a key is stored; the key itself never comes back to the page.</summary>
    public bool KeySet { get; set; }

    public bool ClearApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 30;

    public int MaxAttempts { get; set; } = 4;

    public int MaxConcurrency { get; set; } = 4;

    public decimal InputPricePerMillion { get; set; }

    public decimal OutputPricePerMillion { get; set; }

    public bool RequestJsonFormat { get; set; } = true;

    public bool IsAzure => Provider == JudgeProviderNames.AzureOpenAI;

    public JudgeEndpointDraft ToDraft() => new()
    {
        Name = Name,
        Provider = Provider,
        BaseUrl = BaseUrl,
        Model = Model,
        ApiVersion = IsAzure ? ApiVersion : null,
        ApiKey = string.IsNullOrWhiteSpace(ApiKey) ? null : ApiKey,
        ClearApiKey = ClearApiKey,
        TimeoutSeconds = TimeoutSeconds,
        MaxAttempts = MaxAttempts,
        MaxConcurrency = MaxConcurrency,
        InputPricePerMillion = InputPricePerMillion,
        OutputPricePerMillion = OutputPricePerMillion,
        RequestJsonFormat = RequestJsonFormat,
    };
}

/// <summary>
/// State of Settings › Judge endpoints: the project's endpoints (a key shown only as set or not), the form that adds
/// or changes one, and the result of the last connection test. Saving makes one real call and is refused when it
/// fails. Until accounts exist the page shows the first project.
/// </summary>
public sealed class JudgeEndpointsViewModel(
    JudgeEndpointService endpoints,
    CurrentProject currentProject,
    AuditActor actor)
{
    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    public IReadOnlyList<JudgeEndpointView> Endpoints { get; private set; } = [];

    public JudgeEndpointForm? Form { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    public string? Notice { get; private set; }

    /// <summary>The last connection test: whether it worked and what it said.</summary>
    public (bool Succeeded, string Message)? Test { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        Endpoints = ProjectId is null ? [] : await endpoints.ListAsync(ProjectId, cancellationToken);
        IsLoaded = true;
    }

    public void StartAdd()
    {
        Reset();
        Form = new JudgeEndpointForm();
    }

    public void StartEdit(long id)
    {
        if (Endpoints.FirstOrDefault(e => e.Id == id) is not { } view)
        {
            return;
        }

        Reset();
        Form = new JudgeEndpointForm
        {
            Id = view.Id,
            Name = view.Name,
            Provider = view.Provider,
            BaseUrl = view.BaseUrl,
            Model = view.Model,
            ApiVersion = view.ApiVersion ?? JudgeProviderNames.AzureApiVersions[0],
            KeySet = view.KeySet,
            TimeoutSeconds = view.TimeoutSeconds,
            MaxAttempts = view.MaxAttempts,
            MaxConcurrency = view.MaxConcurrency,
            InputPricePerMillion = view.InputPricePerMillion,
            OutputPricePerMillion = view.OutputPricePerMillion,
            RequestJsonFormat = view.RequestJsonFormat,
        };
    }

    public void CloseForm()
    {
        Form = null;
        Errors = [];
        Test = null;
    }

    public async Task TestAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (Form is not { } form || ProjectId is null)
        {
            return;
        }

        var (result, errors, _) = await endpoints.TestAsync(ProjectId, form.Id, form.ToDraft(), cancellationToken);
        Errors = errors;
        Test = result is null ? null : (result.Succeeded, result.Message);
    }

    /// <returns>True when saved.</returns>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (Form is not { } form || ProjectId is null)
        {
            return false;
        }

        var result = form.Id is { } id
            ? await endpoints.UpdateAsync(ProjectId, id, form.ToDraft(), cancellationToken)
            : await endpoints.CreateAsync(ProjectId, form.ToDraft(), cancellationToken);
        Test = result.Test is { } test ? (test.Succeeded, test.Message) : null;
        if (result.Endpoint is not { } saved)
        {
            Errors = result.Errors;
            return false;
        }

        // The key typed in leaves the page's memory as soon as it is stored; the audit names the endpoint only.
        await actor.RecordAsync(
            ProjectId,
            form.Id is null ? AuditActions.JudgeEndpointCreated : AuditActions.JudgeEndpointUpdated,
            saved.Id.ToString(CultureInfo.InvariantCulture),
            new { name = saved.Name },
            CancellationToken.None);
        form.ApiKey = string.Empty;
        Form = null;
        Errors = [];
        Notice = $"Judge endpoint '{saved.Name}' saved; a key is {(saved.KeySet ? "set" : "not set")}.";
        await LoadAsync(cancellationToken);
        return true;
    }

    public async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (ProjectId is null)
        {
            return;
        }

        var name = Endpoints.FirstOrDefault(e => e.Id == id)?.Name;
        var (deleted, errors) = await endpoints.DeleteAsync(ProjectId, id, cancellationToken);
        if (deleted)
        {
            await actor.RecordAsync(
                ProjectId,
                AuditActions.JudgeEndpointDeleted,
                id.ToString(CultureInfo.InvariantCulture),
                new { name },
                CancellationToken.None);
        }

        Notice = deleted ? $"Judge endpoint '{name}' deleted." : errors.Count > 0 ? errors[0].Message : null;
        await LoadAsync(cancellationToken);
    }

    private void Reset()
    {
        Errors = [];
        Notice = null;
        Test = null;
    }
}
