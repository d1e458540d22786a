namespace LlmObserve.Core.Audit;

/// <summary>
/// What to record: the project, who acted, the action, its target and a detail object serialized as JSON. Callers
/// put names, ids, scopes and counts in the detail, never a secret, a key's hash or prompt text.
/// </summary>
public sealed record AuditRecord(
    string? ProjectId,
    string Actor,
    string Action,
    string? Target,
    object? Detail = null,
    string? ClientIp = null);

/// <summary>
/// The audit log's one write. It is called after a security-relevant change succeeded, never on the ingestion path,
/// so ingestion pays nothing for it.
/// </summary>
public interface IAuditLog
{
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken);
}
