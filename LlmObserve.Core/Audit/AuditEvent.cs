namespace LlmObserve.Core.Audit;

/// <summary>
/// One security-relevant action: who did what to which thing, when and from where. Kept without a foreign key to
/// its project, so the trail outlives a deleted project. Its detail never holds a secret or prompt text.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>The project acted on; null for actions outside any project (a login, a new project).</summary>
    public string? ProjectId { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>
    /// Who: <c>key pk-lo-… (name)</c> for an API request, a user for a page, <c>anonymous</c> without one.
    /// </summary>
    public required string Actor { get; set; }

    /// <summary>One of <see cref="AuditActions"/>, e.g. <c>key.revoked</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What was acted on, e.g. a key's public key or an alert rule's id; null: the action says all.</summary>
    public string? Target { get; set; }

    /// <summary>A small JSON object of what else helps a reader (names, scopes, counts); null: nothing.</summary>
    public string? DetailJson { get; set; }

    /// <summary>The client's address when the request showed one.</summary>
    public string? ClientIp { get; set; }
}
