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

/// <summary>
/// What a key may do. Every key-authenticated route names the scope it needs; <see cref="Grants"/> says whether a
/// key's scope covers it.
/// </summary>
public static class ApiKeyScope
{
    /// <summary>Every API of the project, settings included. First-run, init and demo keys have it.</summary>
    public const string All = "all";

    /// <summary>
    /// What an instrumented application sends: traces (OTLP and native), scores and feedback. It reads nothing back,
    /// so a key baked into a deployed service leaks no stored prompt when it leaks.
    /// </summary>
    public const string Ingest = "ingest";

    /// <summary>The read APIs: traces, sessions, metrics, exports, datasets, experiments and the like.</summary>
    public const string Read = "read";

    /// <summary>
    /// Only <c>POST /api/feedback</c>. A browser key of this scope is authenticated by its public key alone from the
    /// project's feedback origins, so it can be published in a web page; all it allows is adding feedback.
    /// </summary>
    public const string Feedback = "feedback";

    /// <summary>The scopes a key can be created with, broadest first.</summary>
    public static IReadOnlyList<string> Known { get; } = [All, Ingest, Read, Feedback];

    public static bool IsKnown(string? scope) => scope is not null && Known.Contains(scope, StringComparer.Ordinal);

    /// <summary>
    /// Whether a key of <paramref name="keyScope"/> may call a route that needs <paramref name="requiredScope"/>:
    /// <c>all</c> covers everything, and <c>ingest</c> covers feedback too because <c>/api/ingest</c> already accepts
    /// feedback in its batches.
    /// </summary>
    public static bool Grants(string keyScope, string requiredScope)
        => keyScope == All
            || keyScope == requiredScope
            || (keyScope == Ingest && requiredScope == Feedback);
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
