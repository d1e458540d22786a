using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>A project's browser access: its feedback origins and its browser (feedback-only) keys.</summary>
public sealed record BrowserAccessView(IReadOnlyList<string> Origins, IReadOnlyList<BrowserKeyView> Keys);

public sealed record BrowserKeyView(long Id, string Name, string PublicKey, DateTimeOffset CreatedAt, bool Revoked);

/// <summary>
/// Lets a web page send feedback straight from the browser: a key whose scope is feedback only, authenticated by its
/// public key, accepted from the origins the project lists (CORS). Answers are cached briefly because every
/// preflight asks.
/// </summary>
public sealed class BrowserAccessService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    TimeProvider timeProvider)
{
    public const int MaxOrigins = 50;

    private static readonly TimeSpan _cacheLifetime = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Dictionary<string, (string ProjectId, IReadOnlySet<string> Origins)> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<BrowserAccessView> GetAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId, cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ProjectId == projectId && k.Scope == ApiKeyScope.Feedback)
            .OrderBy(k => k.Id)
            .ToListAsync(cancellationToken);
        return new BrowserAccessView(
            SplitOrigins(project.FeedbackOrigins),
            [.. keys.Select(k => new BrowserKeyView(k.Id, k.Name, k.PublicKey, k.CreatedAt, k.RevokedAt is not null))]);
    }

    /// <summary>Replaces the project's feedback origins; every origin at fault is named by its index.</summary>
    public async Task<(BrowserAccessView? View, IReadOnlyList<FieldError> Errors)> SetOriginsAsync(
        string projectId,
        IReadOnlyList<string?>? origins,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var normalized = new List<string>();
        if (origins is null)
        {
            errors.Add(new FieldError(
                "origins",
                "'origins' is required: a list such as [\"https://app.example.com\"]."));
        }
        else if (origins.Count > MaxOrigins)
        {
            errors.Add(new FieldError("origins", $"At most {MaxOrigins} origins."));
        }
        else
        {
            for (var i = 0; i < origins.Count; i++)
            {
                if (NormalizeOrigin(origins[i]) is { } origin)
                {
                    normalized.Add(origin);
                }
                else
                {
                    errors.Add(new FieldError(
                        $"origins[{i}]",
                        "An origin is a scheme, host and optional port, such as https://app.example.com: no path, "
                        + "no wildcard."));
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var text = string.Join(' ', normalized.Distinct(StringComparer.Ordinal));
            await db.Projects.Where(p => p.Id == projectId)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.FeedbackOrigins, text), cancellationToken);
        }

        Invalidate();
        return (await GetAsync(projectId, cancellationToken), []);
    }

    /// <summary>Creates a feedback-only key; its public key is all a page needs, and no secret is ever shown.</summary>
    public async Task<BrowserKeyView> CreateKeyAsync(
        string projectId,
        string? name,
        CancellationToken cancellationToken)
    {
        var pair = ApiKeyCredentials.Generate();
        var key = new ApiKey
        {
            ProjectId = projectId,
            Name = string.IsNullOrWhiteSpace(name) ? "browser feedback" : name.Trim(),
            PublicKey = pair.PublicKey,
            SecretHash = ApiKeyCredentials.HashSecret(pair.SecretKey),
            SecretPreview = "(none: a browser key)",
            CreatedAt = timeProvider.GetUtcNow(),
            Scope = ApiKeyScope.Feedback,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        Invalidate();
        return new BrowserKeyView(key.Id, key.Name, key.PublicKey, key.CreatedAt, false);
    }

    /// <summary>
    /// Revokes a browser key of the project: feedback sent with it is refused from then on. False when the project has
    /// no browser key of that id; revoking a revoked key again changes nothing.
    /// </summary>
    public async Task<bool> RevokeKeyAsync(string projectId, long keyId, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var key = await db.ApiKeys.SingleOrDefaultAsync(
                k => k.Id == keyId && k.ProjectId == projectId && k.Scope == ApiKeyScope.Feedback,
                cancellationToken);
            if (key is null)
            {
                return false;
            }

            key.RevokedAt ??= timeProvider.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        Invalidate();
        return true;
    }

    /// <summary>The project of an active browser key and its origins; null for any other key.</summary>
    public async Task<(string ProjectId, IReadOnlySet<string> Origins)?> FindKeyAsync(
        string publicKey,
        CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(cancellationToken);
        return keys.TryGetValue(publicKey, out var found) ? found : null;
    }

    /// <summary>Every project's feedback origins together: what a preflight that names no key may be allowed.</summary>
    public async Task<IReadOnlySet<string>> AllOriginsAsync(CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(cancellationToken);
        return keys.Values.SelectMany(k => k.Origins).ToHashSet(StringComparer.Ordinal);
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _loadedAt = DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// <c>scheme://host[:port]</c> in lower case without a default port; null when it is not an origin.
    /// </summary>
    public static string? NormalizeOrigin(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)
            || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/"
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || text.Contains('*', StringComparison.Ordinal))
        {
            return null;
        }

        return uri.IsDefaultPort
            ? $"{uri.Scheme}://{uri.IdnHost}"
            : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    private static string[] SplitOrigins(string? text)
        => text?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private async Task<Dictionary<string, (string ProjectId, IReadOnlySet<string> Origins)>> KeysAsync(
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (now - _loadedAt < _cacheLifetime)
            {
                return _keys;
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Scope == ApiKeyScope.Feedback && k.RevokedAt == null)
            .Join(
                db.Projects.Where(p => p.DeletedAt == null),
                k => k.ProjectId,
                p => p.Id,
                (k, p) => new { k.PublicKey, p.Id, p.FeedbackOrigins })
            .ToListAsync(cancellationToken);
        var keys = rows.ToDictionary(
            r => r.PublicKey,
            r => (r.Id, (IReadOnlySet<string>)SplitOrigins(r.FeedbackOrigins).ToHashSet(StringComparer.Ordinal)),
            StringComparer.Ordinal);
        lock (_gate)
        {
            _keys = keys;
            _loadedAt = now;
        }

        return keys;
    }
}
