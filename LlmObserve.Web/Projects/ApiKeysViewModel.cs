using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Settings › API keys as the page shows it: the project's keys with their last use and state, a new key's name and
/// scope, the secret of the key just created (held until the dialog closes, then dropped) and revocation.
/// </summary>
public sealed class ApiKeysViewModel(ApiKeyService service, CurrentProject currentProject, AuditActor actor)
{
    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    public IReadOnlyList<ApiKeyView> Keys { get; private set; } = [];

    public bool IsCreating { get; private set; }

    public string NewName { get; set; } = string.Empty;

    public string NewScope { get; set; } = ApiKeyScope.Ingest;

    /// <summary>Why the new key was refused, by field.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    /// <summary>The key just created with its secret; shown once, forgotten when the dialog closes.</summary>
    public CreatedApiKey? Created { get; private set; }

    public string? Notice { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        if (ProjectId is not null)
        {
            Keys = await service.ListAsync(ProjectId, cancellationToken);
        }

        IsLoaded = true;
    }

    public void OpenCreate()
    {
        IsCreating = true;
        NewName = string.Empty;
        NewScope = ApiKeyScope.Ingest;
        Errors = new Dictionary<string, string>();
        Created = null;
    }

    /// <summary>Closes the dialog; the secret goes with it and cannot be shown again.</summary>
    public void CloseCreate()
    {
        IsCreating = false;
        Created = null;
    }

    /// <summary>Makes a key; only an admin of the project, checked here whatever the page showed.</summary>
    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        if (ProjectId is null)
        {
            return;
        }

        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);

        var (created, errors) = await service.CreateAsync(ProjectId, NewName, NewScope, cancellationToken);
        if (created is null)
        {
            Errors = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.First().Message);
            return;
        }

        Errors = new Dictionary<string, string>();
        Created = created;
        await actor.RecordAsync(
            ProjectId,
            AuditActions.KeyCreated,
            created.Key.PublicKey,
            new { name = created.Key.Name, scope = created.Key.Scope },
            CancellationToken.None);
        Keys = await service.ListAsync(ProjectId, cancellationToken);
        Notice = null;
    }

    /// <summary>Revokes a key; only an admin of the project, checked here whatever the page showed.</summary>
    public async Task RevokeAsync(long keyId, CancellationToken cancellationToken)
    {
        if (ProjectId is null)
        {
            return;
        }

        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);

        var wasActive = Keys.Any(k => k.Id == keyId && !k.Revoked);
        var key = await service.RevokeAsync(ProjectId, keyId, cancellationToken);
        if (key is not null && wasActive)
        {
            await actor.RecordAsync(
                ProjectId,
                AuditActions.KeyRevoked,
                key.PublicKey,
                new { name = key.Name, scope = key.Scope },
                CancellationToken.None);
        }

        Keys = await service.ListAsync(ProjectId, cancellationToken);
        Notice = key is null
            ? "That key no longer exists."
            : $"Key '{key.Name}' revoked: requests with it are refused from now on.";
    }

    /// <summary>
    /// What an OpenTelemetry SDK needs to send here with the new key: the base address (the SDK adds
    /// <c>/v1/traces</c>), HTTP with protobuf, and the key as a header, its space percent-encoded as the variable's
    /// format requires.
    /// </summary>
    public static string OtlpEnvironment(string baseAddress, string secretKey)
        => $"OTEL_EXPORTER_OTLP_ENDPOINT={baseAddress.TrimEnd('/')}\n"
            + "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n"
            + $"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20{secretKey}";
}
