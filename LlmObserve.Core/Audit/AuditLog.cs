using System.Text.Json;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Audit;

/// <summary>An audit event as the page and <c>GET /api/audit</c> show it.</summary>
public sealed record AuditEventView(
    long Id,
    string? ProjectId,
    DateTimeOffset Time,
    string Actor,
    string Action,
    string? Target,
    JsonElement? Detail,
    string? ClientIp);

/// <summary>One page of events, newest first; <see cref="NextCursor"/> asks for older ones, null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEventView> Events, long? NextCursor);

/// <summary>
/// Which events to list: an action (exact, or a prefix when it ends with <c>*</c>, e.g. <c>key.*</c>) and a time
/// range, both optional.
/// </summary>
public sealed record AuditFilter(string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>The audit log in the store: one row an action, listed newest first.</summary>
public sealed class AuditLog(IDbContextFactory<LlmObserveDbContext> dbFactory, TimeProvider timeProvider) : IAuditLog
{
    public const int MaxLimit = 500;
    public const int MaxTargetLength = 200;
    public const int MaxActorLength = 300;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var target = Clip(record.Target, MaxTargetLength);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEvents.Add(new AuditEvent
        {
            ProjectId = record.ProjectId,
            Time = timeProvider.GetUtcNow(),
            Actor = Clip(record.Actor, MaxActorLength)!,
            Action = record.Action,
            Target = target,
            DetailJson = record.Detail is null ? null : JsonSerializer.Serialize(record.Detail, _json),
            ClientIp = record.ClientIp,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A project's events, newest first, older than the cursor (an event id) when one is given; with
    /// <c>includeInstanceEvents</c> also the events of no project (sign-ins, password changes), which only an
    /// instance admin may read.
    /// </summary>
    public async Task<AuditPage> ListAsync(
        string projectId,
        AuditFilter filter,
        long? before,
        int limit,
        CancellationToken cancellationToken,
        bool includeInstanceEvents = false)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEvents.AsNoTracking()
            .Where(e => e.ProjectId == projectId || (includeInstanceEvents && e.ProjectId == null));
        if (filter.Action is { Length: > 0 } action)
        {
            if (action.EndsWith('*'))
            {
                var prefix = action[..^1];
                query = query.Where(e => e.Action.StartsWith(prefix));
            }
            else
            {
                query = query.Where(e => e.Action == action);
            }
        }

        if (filter.From is { } from)
        {
            var utc = from.ToUniversalTime();
            query = query.Where(e => e.Time >= utc);
        }

        if (filter.To is { } to)
        {
            var utc = to.ToUniversalTime();
            query = query.Where(e => e.Time < utc);
        }

        if (before is { } cursor)
        {
            query = query.Where(e => e.Id < cursor);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var more = rows.Count > limit;
        var events = rows.Take(limit).Select(ToView).ToList();
        return new AuditPage(events, more ? events[^1].Id : null);
    }

    /// <summary>The actions recorded for a project, for a filter that offers only what exists.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(
        string projectId,
        CancellationToken cancellationToken,
        bool includeInstanceEvents = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.ProjectId == projectId || (includeInstanceEvents && e.ProjectId == null))
            .Select(e => e.Action)
            .Distinct()
            .OrderBy(a => a)
            .ToListAsync(cancellationToken);
    }

    private static string? Clip(string? text, int max) => text is { Length: var n } && n > max ? text[..max] : text;

    private static AuditEventView ToView(AuditEvent e) => new(
        e.Id,
        e.ProjectId,
        e.Time,
        e.Actor,
        e.Action,
        e.Target,
        e.DetailJson is null ? null : JsonDocument.Parse(e.DetailJson).RootElement.Clone(),
        e.ClientIp);
}
