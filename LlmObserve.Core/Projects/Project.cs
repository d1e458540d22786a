namespace LlmObserve.Core.Projects;

/// <summary>A project owns traces and keys; every query is scoped by one.</summary>
public sealed class Project
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A project key pair. The secret is shown once at creation; only its SHA-256 hash is kept.
/// </summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string Name { get; set; }

    public required string PublicKey { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret key.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The first characters of the secret, so people can tell keys apart.</summary>
    public required string SecretPreview { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
