using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;

namespace LlmObserve.Web.Audit;

/// <summary>
/// Who is acting in this request or circuit, as the audit log names them, and the one call that records an action in
/// their name. An API request acts as its key (public key and name, with the client's address); a page acts as
/// <see cref="Anonymous"/> until accounts exist, and the signed-in user then replaces it here.
/// </summary>
public sealed class AuditActor(IHttpContextAccessor httpContextAccessor, IAuditLog auditLog)
{
    public const string Anonymous = "anonymous";

    /// <summary>
    /// The key of the current API request, if any. Only a request that passed the key filter carries one; a Blazor
    /// circuit has no request of its own to read, so it stays anonymous rather than borrowing a stale one.
    /// </summary>
    private ApiKeyIdentity? Key => httpContextAccessor.HttpContext?.Items[typeof(ApiKeyIdentity)] as ApiKeyIdentity;

    public string Name => Key is { } key ? $"key {key.PublicKey} ({key.Name})" : Anonymous;

    public string? ClientIp
        => Key is null ? null : httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>Records an action; the detail is a small object of names, ids and counts, never a secret.</summary>
    public Task RecordAsync(
        string? projectId,
        string action,
        string? target,
        object? detail,
        CancellationToken cancellationToken)
        => auditLog.RecordAsync(new AuditRecord(projectId, Name, action, target, detail, ClientIp), cancellationToken);
}
