using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Projects;

/// <summary>A live project as the API and the pages show it.</summary>
public sealed record ProjectView(string Id, string Name, int? RetentionDays, DateTimeOffset CreatedAt);

/// <summary>A project just created and its first key pair, whose secret is shown once and not kept.</summary>
public sealed record ProjectCreated(ProjectView Project, ApiKeyPair Key);

/// <summary>
/// A change to a project's settings. A null <see cref="Name"/> leaves the name alone; <see cref="RetentionDays"/>
/// applies only when <see cref="SetsRetention"/> is true, so that null can mean "keep forever".
/// </summary>
public sealed record ProjectChanges(string? Name, bool SetsRetention, int? RetentionDays);

/// <summary>Told when a project was deleted, so its purge can be scheduled (a Quartz job in the host).</summary>
public interface IProjectPurgeScheduler
{
    /// <summary>Asks for the project's rows to be purged once in-flight work with its keys is done.</summary>
    Task SchedulePurgeAsync(string projectId, CancellationToken cancellationToken);
}

/// <summary>
/// Creates, renames, sets the retention of, and deletes projects. A deleted project is marked at once (left out of
/// every list, its keys refused) and purged by a background job; its name is free again immediately.
/// </summary>
public sealed class ProjectService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    ProjectBootstrapper bootstrapper,
    ApiKeyAuthenticator authenticator,
    BrowserAccessService browserAccess,
    IProjectPurgeScheduler purgeScheduler,
    TimeProvider timeProvider)
{
    public const int MaxNameLength = 100;
    public const int MinRetentionDays = 1;
    public const int MaxRetentionDays = 3650;

    /// <summary>The name the first key of a new project gets.</summary>
    public const string FirstKeyName = "default";

    /// <summary>Live projects, oldest first.</summary>
    public async Task<IReadOnlyList<ProjectView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var projects = await db.Projects.AsNoTracking()
            .Where(p => p.DeletedAt == null)
            .ToListAsync(cancellationToken);
        return [.. projects.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).Select(View)];
    }

    /// <summary>The project, or null when it does not exist or was deleted.</summary>
    public async Task<ProjectView?> GetAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Id == projectId && p.DeletedAt == null, cancellationToken);
        return project is null ? null : View(project);
    }

    /// <summary>Creates a project with a first key pair; a name that breaks the rules is refused as "name".</summary>
    public async Task<(ProjectCreated? Created, IReadOnlyList<FieldError> Errors)> CreateAsync(
        string? name,
        CancellationToken cancellationToken)
    {
        var (trimmed, error) = CheckName(name);
        if (error is not null)
        {
            return (null, [error]);
        }

        var project = new Project
        {
            Id = "proj-" + Guid.NewGuid().ToString("N")[..12],
            Name = trimmed!,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // SQLite's transactions here take the write lock at once, so two creations cannot both see a name free.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await NameTakenAsync(db, trimmed!, exceptId: null, cancellationToken) is { } taken)
            {
                return (null, [taken]);
            }

            db.Projects.Add(project);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var key = await bootstrapper.CreateKeyAsync(project.Id, FirstKeyName, cancellationToken);
        return (new ProjectCreated(View(project), key), []);
    }

    /// <summary>
    /// Applies a change after checking all of it; each fault is named by its field ("name", "retentionDays").
    /// A project that does not exist, or was deleted, gives a null view and no errors.
    /// </summary>
    public async Task<(ProjectView? View, IReadOnlyList<FieldError> Errors)> UpdateAsync(
        string projectId,
        ProjectChanges changes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var errors = new List<FieldError>();
        string? name = null;
        if (changes.Name is not null)
        {
            (name, var nameError) = CheckName(changes.Name);
            if (nameError is not null)
            {
                errors.Add(nameError);
            }
        }

        if (changes.SetsRetention && CheckRetention(changes.RetentionDays) is { } retentionError)
        {
            errors.Add(retentionError);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var project = await db.Projects
            .SingleOrDefaultAsync(p => p.Id == projectId && p.DeletedAt == null, cancellationToken);
        if (project is null)
        {
            return (null, []);
        }

        if (name is not null && await NameTakenAsync(db, name, projectId, cancellationToken) is { } taken)
        {
            errors.Add(taken);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        project.Name = name ?? project.Name;
        if (changes.SetsRetention)
        {
            project.RetentionDays = changes.RetentionDays;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (View(project), []);
    }

    /// <summary>
    /// Marks the project deleted, forgets cached key answers so its keys are refused from now on, and schedules the
    /// purge of its rows. False when there was no such live project.
    /// </summary>
    public async Task<bool> DeleteAsync(string projectId, CancellationToken cancellationToken)
    {
        int marked;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var now = timeProvider.GetUtcNow();
            marked = await db.Projects
                .Where(p => p.Id == projectId && p.DeletedAt == null)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.DeletedAt, now), cancellationToken);
        }

        if (marked == 0)
        {
            return false;
        }

        authenticator.Invalidate();
        browserAccess.Invalidate();
        await purgeScheduler.SchedulePurgeAsync(projectId, cancellationToken);
        return true;
    }

    /// <summary>The trimmed name, or why it is refused (field "name").</summary>
    public static (string? Name, FieldError? Error) CheckName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return (null, new FieldError("name", "'name' is required: give the project a name."));
        }

        if (trimmed.Length > MaxNameLength)
        {
            return (null, new FieldError(
                "name",
                $"'name' is {trimmed.Length} characters long; at most {MaxNameLength} are allowed."));
        }

        if (trimmed.Any(char.IsControl))
        {
            return (null, new FieldError("name", "'name' must not contain control characters such as line breaks."));
        }

        return (trimmed, null);
    }

    /// <summary>Why a retention is refused (field "retentionDays"), or null when null or within the bounds.</summary>
    public static FieldError? CheckRetention(int? days)
        => days is null or (>= MinRetentionDays and <= MaxRetentionDays)
            ? null
            : new FieldError(
                "retentionDays",
                $"'retentionDays' must be between {MinRetentionDays} and {MaxRetentionDays}, or null to keep traces "
                + $"forever (was {days}).");

    private static async Task<FieldError?> NameTakenAsync(
        LlmObserveDbContext db,
        string name,
        string? exceptId,
        CancellationToken cancellationToken)
    {
        // Few projects exist; comparing in memory gives the same case rules for every script, not SQLite's ASCII.
        var names = await db.Projects.AsNoTracking()
            .Where(p => p.DeletedAt == null && p.Id != exceptId)
            .Select(p => p.Name)
            .ToListAsync(cancellationToken);
        return names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            ? new FieldError("name", $"A project named '{name}' exists already (names are compared ignoring case).")
            : null;
    }

    private static ProjectView View(Project project)
        => new(project.Id, project.Name, project.RetentionDays, project.CreatedAt);
}
