using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>A key as people and the API see it: never its secret nor the secret's hash.</summary>
public sealed record ApiKeyView(
    long Id,
    string Name,
    string Scope,
    string PublicKey,
    string SecretPreview,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;
}

/// <summary>A key just created, with its secret: the only time the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKeyView Key, string SecretKey);

/// <summary>
/// A project's keys: listed, created with a name and a scope, and revoked. Revoking clears the authenticator's and
/// the browser access's caches at once, so the key is refused from the next request on.
/// </summary>
public sealed class ApiKeyService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    ApiKeyAuthenticator authenticator,
    BrowserAccessService browserAccess,
    TimeProvider timeProvider)
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ProjectId == projectId)
            .OrderBy(k => k.Id)
            .ToListAsync(cancellationToken);
        return [.. keys.Select(ToView)];
    }

    public async Task<ApiKeyView?> FindAsync(string projectId, long keyId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.Id == keyId && k.ProjectId == projectId, cancellationToken);
        return key is null ? null : ToView(key);
    }

    /// <summary>Creates a key pair; every field at fault is named when it is refused.</summary>
    public async Task<(CreatedApiKey? Created, IReadOnlyList<FieldError> Errors)> CreateAsync(
        string projectId,
        string? name,
        string? scope,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            errors.Add(new FieldError(
                "name",
                $"'name' is required, at most {MaxNameLength} characters, so people can tell keys apart."));
        }

        if (!ApiKeyScope.IsKnown(scope))
        {
            errors.Add(new FieldError(
                "scope",
                $"'scope' must be one of {string.Join(", ", ApiKeyScope.Known)}; got '{scope}'."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var pair = ApiKeyCredentials.Generate();
        var key = new ApiKey
        {
            ProjectId = projectId,
            Name = trimmed!,
            PublicKey = pair.PublicKey,
            SecretHash = ApiKeyCredentials.HashSecret(pair.SecretKey),
            SecretPreview = ApiKeyCredentials.Preview(pair.SecretKey),
            CreatedAt = timeProvider.GetUtcNow(),
            Scope = scope!,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(cancellationToken);
        }

        // A feedback key also works from browsers by its public key, which the browser access caches.
        browserAccess.Invalidate();
        return (new CreatedApiKey(ToView(key), pair.SecretKey), []);
    }

    /// <summary>
    /// Revokes a key of the project; null when the project has no key of that id. Revoking a revoked key changes
    /// nothing and answers the key as it is.
    /// </summary>
    public async Task<ApiKeyView?> RevokeAsync(string projectId, long keyId, CancellationToken cancellationToken)
    {
        ApiKey? key;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            key = await db.ApiKeys.SingleOrDefaultAsync(
                k => k.Id == keyId && k.ProjectId == projectId,
                cancellationToken);
            if (key is null)
            {
                return null;
            }

            key.RevokedAt ??= timeProvider.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        authenticator.Invalidate();
        browserAccess.Invalidate();
        return ToView(key);
    }

    private static ApiKeyView ToView(ApiKey key) => new(
        key.Id,
        key.Name,
        key.Scope,
        key.PublicKey,
        key.SecretPreview,
        key.CreatedAt,
        key.LastUsedAt,
        key.RevokedAt);
}
