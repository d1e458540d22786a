using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Accounts;

/// <summary>A project a person may open, with their role in it.</summary>
public sealed record ProjectAccess(string ProjectId, string ProjectName, ProjectRole Role);

/// <summary>
/// Which projects a person reaches and in which role. An instance admin is admin of every project, so a project
/// created later needs no membership rows for them.
/// </summary>
public sealed class ProjectAccessQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    /// <summary>The person's projects, oldest first; empty for an unknown or deleted account.</summary>
    public async Task<IReadOnlyList<ProjectAccess>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.IsInstanceAdmin })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return [];
        }

        if (user.IsInstanceAdmin)
        {
            var all = await db.Projects.AsNoTracking()
                .Where(p => p.DeletedAt == null)
                .OrderBy(p => p.CreatedAt)
                .ThenBy(p => p.Id)
                .Select(p => new { p.Id, p.Name })
                .ToListAsync(cancellationToken);
            return all.Select(p => new ProjectAccess(p.Id, p.Name, ProjectRole.Admin)).ToList();
        }

        var rows = await (
                from m in db.ProjectMemberships.AsNoTracking()
                join p in db.Projects.AsNoTracking() on m.ProjectId equals p.Id
                where m.UserId == userId && p.DeletedAt == null
                select new { p.Id, p.Name, p.CreatedAt, m.Role })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new ProjectAccess(r.Id, r.Name, r.Role))
            .ToList();
    }

    /// <summary>
    /// True when the trace is an item of one of the project's annotation queues (what a reviewer may open).
    /// </summary>
    public async Task<bool> IsQueuedAsync(string projectId, string traceId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (
                from item in db.AnnotationItems
                join queue in db.AnnotationQueues on item.QueueId equals queue.Id
                where queue.ProjectId == projectId && item.TraceId == traceId
                select item.Id)
            .AnyAsync(cancellationToken);
    }

    /// <summary>
    /// True for the instance admin, who is admin of every project and reads the instance's audit events.
    /// </summary>
    public async Task<bool> IsInstanceAdminAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.Id == userId && u.IsInstanceAdmin, cancellationToken);
    }

    /// <summary>Remembers the project a person switched to.</summary>
    public async Task SelectAsync(string userId, string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.SelectedProjectId, projectId), cancellationToken);
    }

    /// <summary>The project the person last switched to, if any.</summary>
    public async Task<string?> SelectedAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => u.SelectedProjectId)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
