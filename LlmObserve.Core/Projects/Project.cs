namespace LlmObserve.Core.Projects;

/// <summary>A project owns traces and keys; every query is scoped by one.</summary>
public sealed class Project
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Traces that started more than this many days ago are purged with what hangs on them; null keeps them forever.
    /// </summary>
    public int? RetentionDays { get; set; }

    /// <summary>
    /// When the project was deleted: from then on it is left out of every list and its keys are refused, while a
    /// background job purges its rows and finally the project itself.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>
    /// Web origins (<c>https://app.example.com</c>) whose pages may send feedback straight from the browser with a
    /// feedback key, space-separated; null or empty: none.
    /// </summary>
    public string? FeedbackOrigins { get; set; }

    /// <summary>Built-in redaction detectors switched on (<c>email card</c>), space-separated; null: none.</summary>
    public string? RedactionDetectors { get; set; }

    /// <summary>Custom redaction patterns as JSON (<c>[{"name":…,"pattern":…}]</c>); null: none.</summary>
    public string? RedactionPatternsJson { get; set; }
}

/// <summary>What a key may do.</summary>
public static class ApiKeyScope
{
    /// <summary>Every API of the project: ingestion, reading, evaluators. Its secret stays on servers.</summary>
    public const string All = "all";

    /// <summary>
    /// Browser-safe: only <c>POST /api/feedback</c>, authenticated by the public key alone from the project's
    /// feedback origins. It can be published in a web page; all it allows is adding feedback.
    /// </summary>
    public const string Feedback = "feedback";
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

    /// <summary>One of <see cref="ApiKeyScope"/>.</summary>
    public string Scope { get; set; } = ApiKeyScope.All;
}
