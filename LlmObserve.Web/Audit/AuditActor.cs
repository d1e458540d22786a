using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Web.Audit;

/// <summary>
/// Who is acting in this request or circuit, as the audit log names them, and the one call that records an action in
/// their name. An API request with a key acts as that key (public key and name, with the client's address); a
/// signed-in person (a page, or the API with their cookie) acts as their e-mail address; anything else is
/// <see cref="Anonymous"/>.
/// </summary>
public sealed class AuditActor(IHttpContextAccessor httpContextAccessor, IAuditLog auditLog, SignedInUser user)
{
    public const string Anonymous = "anonymous";

    /// <summary>
    /// The key of the current API request, if any. Only a request that passed the key filter carries one; a Blazor
    /// circuit has no request of its own to read, so it never borrows a stale one. A person calling the API with their
    /// cookie passes the filter with key id 0, which is not a key.
    /// </summary>
    private ApiKeyIdentity? Key
        => httpContextAccessor.HttpContext?.Items[typeof(ApiKeyIdentity)] is ApiKeyIdentity { KeyId: > 0 } key
            ? key
            : null;

    private string? ClientIp => httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>How the log names the actor.</summary>
    public async Task<string> GetNameAsync()
    {
        if (Key is { } key)
        {
            return $"key {key.PublicKey} ({key.Name})";
        }

        return await user.GetIdAsync() is { } id ? "user " + (await user.GetEmailAsync() ?? id) : Anonymous;
    }

    /// <summary>Records an action; the detail is a small object of names, ids and counts, never a secret.</summary>
    public async Task RecordAsync(
        string? projectId,
        string action,
        string? target,
        object? detail,
        CancellationToken cancellationToken)
        => await auditLog.RecordAsync(
            new AuditRecord(projectId, await GetNameAsync(), action, target, detail, ClientIp),
            cancellationToken);
}
