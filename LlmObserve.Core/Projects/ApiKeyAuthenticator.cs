using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>The key a request came with: its project and what it may do (<see cref="ApiKeyScope"/>).</summary>
public sealed record ApiKeyIdentity(string ProjectId, long KeyId, string PublicKey, string Name, string Scope);

/// <summary>Why a request was not authenticated; the text is safe to return to the caller.</summary>
public sealed record ApiKeyFailure(string Reason);

/// <summary>
/// Checks <c>Authorization: Bearer &lt;secret&gt;</c> and <c>Basic base64(public:secret)</c> against stored keys.
/// Positive answers are cached for a short while so ingestion does not query the store per request; revoking a key
/// calls <see cref="Invalidate"/>, so the cache never outlives a revocation in this process. Whether the key's scope
/// covers a route is the route's concern, not this class's.
/// </summary>
public sealed class ApiKeyAuthenticator(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    TimeProvider timeProvider)
{
    private static readonly TimeSpan _cacheLifetime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan _lastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, CachedIdentity> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, byte> _touching = new();
    private long _generation;

    public async Task<(ApiKeyIdentity? Identity, ApiKeyFailure? Failure)> AuthenticateAsync(
        string? authorizationHeader,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return (null, new ApiKeyFailure(
                "Missing Authorization header: send 'Bearer <secret key>' or 'Basic base64(public key:secret key)'."));
        }

        var (publicKey, secret, parseFailure) = Parse(authorizationHeader.Trim());
        if (parseFailure is not null)
        {
            return (null, parseFailure);
        }

        var now = timeProvider.GetUtcNow();
        var cacheKey = (publicKey ?? string.Empty) + "\n" + ApiKeyCredentials.HashSecret(secret!);
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.ExpiresAt > now)
        {
            return (cached.Identity, null);
        }

        // A revocation that lands while this lookup runs must not leave the old answer cached behind it.
        var generation = Interlocked.Read(ref _generation);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hash = ApiKeyCredentials.HashSecret(secret!);
        // A deleted project's keys stop working at once, while its rows (keys included) are still being purged.
        var key = await db.ApiKeys
            .Where(k => k.SecretHash == hash)
            .Where(k => db.Projects.Any(p => p.Id == k.ProjectId && p.DeletedAt == null))
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null
            || key.RevokedAt is not null
            || (publicKey is not null && !string.Equals(key.PublicKey, publicKey, StringComparison.Ordinal)))
        {
            return (null, new ApiKeyFailure("Unknown, revoked or mismatched API key."));
        }

        if ((key.LastUsedAt is null || now - key.LastUsedAt.Value > _lastUsedResolution)
            && _touching.TryAdd(key.Id, 0))
        {
            // SQLite runs synchronously even behind an async call, so the update gets a thread of its own: waiting
            // on the request thread for the writer's lock stalled ingestion for up to the busy timeout.
            _ = Task.Run(() => TouchAsync(key.Id, now), CancellationToken.None);
        }

        var identity = new ApiKeyIdentity(key.ProjectId, key.Id, key.PublicKey, key.Name, key.Scope);
        _cache[cacheKey] = new CachedIdentity(identity, now + _cacheLifetime);
        if (Interlocked.Read(ref _generation) != generation)
        {
            _cache.TryRemove(cacheKey, out _);
        }

        return (identity, null);
    }

    /// <summary>
    /// Records when a key was last used, off the request path: it is a hint for people, and a request must never
    /// wait for (or fail on) a write lock that the span writer holds.
    /// </summary>
    private async Task TouchAsync(long keyId, DateTimeOffset now)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAt, now));
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Best effort: the next use after the cache expires tries again.
        }
        finally
        {
            _touching.TryRemove(keyId, out _);
        }
    }

    /// <summary>
    /// Forgets cached answers, e.g. after a key was revoked or its project deleted. Other instances keep theirs for
    /// at most the cache lifetime (10 s); the README says so.
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private static (string? PublicKey, string? Secret, ApiKeyFailure? Failure) Parse(string header)
    {
        if (header.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, new ApiKeyFailure("Empty bearer token: send the project's secret key."));
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var secret = header["Bearer ".Length..].Trim();
            return secret.Length == 0
                ? (null, null, new ApiKeyFailure("Empty bearer token: send the project's secret key."))
                : (null, secret, null);
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return (null, null, new ApiKeyFailure("Basic credentials are not valid base64."));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == decoded.Length - 1)
            {
                return (null, null, new ApiKeyFailure("Basic credentials must be 'public key:secret key'."));
            }

            return (decoded[..colon], decoded[(colon + 1)..], null);
        }

        return (null, null, new ApiKeyFailure("Unsupported Authorization scheme: use Bearer or Basic."));
    }

    private sealed record CachedIdentity(ApiKeyIdentity Identity, DateTimeOffset ExpiresAt);
}
