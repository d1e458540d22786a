using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>What first start did: the project it made and, when it generated one, the key pair to show once.</summary>
public sealed record BootstrapResult(string ProjectId, ApiKeyPair? GeneratedKey);

/// <summary>
/// First-run set-up. With <see cref="InitOptions"/> keys it makes sure that project and key exist (idempotent,
/// for containers and tests); without them, an empty store gets a default project and a generated key.
/// </summary>
public sealed class ProjectBootstrapper(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options,
    TimeProvider timeProvider)
{
    public const string DefaultProjectName = "Default";

    private string ProjectName => options.Init.ProjectName ?? DefaultProjectName;

    public async Task<BootstrapResult?> EnsureAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var init = options.Init;
        var now = timeProvider.GetUtcNow();

        if (!string.IsNullOrEmpty(init.PublicKey) && !string.IsNullOrEmpty(init.SecretKey))
        {
            var existing = await db.ApiKeys.FirstOrDefaultAsync(k => k.PublicKey == init.PublicKey, cancellationToken);
            if (existing is not null)
            {
                return new BootstrapResult(existing.ProjectId, null);
            }

            var project = await FirstOrCreateProjectAsync(db, ProjectName, now, cancellationToken);
            db.ApiKeys.Add(NewKey(project.Id, "init", new ApiKeyPair(init.PublicKey, init.SecretKey), now));
            await db.SaveChangesAsync(cancellationToken);
            return new BootstrapResult(project.Id, null);
        }

        if (await db.Projects.AnyAsync(p => p.DeletedAt == null, cancellationToken))
        {
            return null;
        }

        var created = await FirstOrCreateProjectAsync(db, ProjectName, now, cancellationToken);
        var pair = ApiKeyCredentials.Generate();
        db.ApiKeys.Add(NewKey(created.Id, "default", pair, now));
        await db.SaveChangesAsync(cancellationToken);
        return new BootstrapResult(created.Id, pair);
    }

    /// <summary>
    /// Revokes the project's live keys of that name and adds a fresh pair, for a component that makes its own key
    /// at every start (demo traffic) and must not leave a trail of working secrets behind.
    /// </summary>
    public async Task<ApiKeyPair> ReplaceKeyAsync(string projectId, string name, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = timeProvider.GetUtcNow();
            await db.ApiKeys
                .Where(k => k.ProjectId == projectId && k.Name == name && k.RevokedAt == null)
                .ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, now), cancellationToken);
        }

        return await CreateKeyAsync(projectId, name, cancellationToken);
    }

    /// <summary>Adds a key pair to a project and returns it; the secret is not kept.</summary>
    public async Task<ApiKeyPair> CreateKeyAsync(string projectId, string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pair = ApiKeyCredentials.Generate();
        db.ApiKeys.Add(NewKey(projectId, name, pair, timeProvider.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }

    private static async Task<Project> FirstOrCreateProjectAsync(
        LlmObserveDbContext db,
        string name,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var project = await db.Projects
            .Where(p => p.DeletedAt == null)
            .OrderBy(p => p.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (project is not null)
        {
            return project;
        }

        project = new Project { Id = "proj-" + Guid.NewGuid().ToString("N")[..12], Name = name, CreatedAt = now };
        db.Projects.Add(project);
        return project;
    }

    private static ApiKey NewKey(string projectId, string name, ApiKeyPair pair, DateTimeOffset now) => new()
    {
        ProjectId = projectId,
        Name = name,
        PublicKey = pair.PublicKey,
        SecretHash = ApiKeyCredentials.HashSecret(pair.SecretKey),
        SecretPreview = ApiKeyCredentials.Preview(pair.SecretKey),
        CreatedAt = now,
    };
}
