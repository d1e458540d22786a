using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>Reads across traces of one session or one user, scoped by project.</summary>
public sealed class SessionQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    /// <summary>Turns a session page shows; a longer session is cut at its oldest turns and says so.</summary>
    public const int MaxTurns = 500;

    /// <summary>Sessions a user page lists, most recent first.</summary>
    public const int MaxUserSessions = 200;

    /// <summary>The session's traces in time order; null when the project has no trace in that session.</summary>
    public async Task<SessionDetail?> GetSessionAsync(
        string projectId,
        string sessionId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // One row beyond the cap tells whether the session was cut without counting it.
        var rows = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId && t.SessionId == sessionId)
            .OrderBy(t => t.StartTimeUnixNano)
            .ThenBy(t => t.TraceId)
            .Take(MaxTurns + 1)
            .Select(t => new
            {
                t.TraceId,
                t.Name,
                t.UserId,
                t.StartTimeUnixNano,
                t.LatencyMs,
                t.Status,
                t.InputText,
                t.OutputText,
                t.TotalTokens,
                t.Cost,
            })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        var turns = rows.Take(MaxTurns)
            .Select(t => new SessionTurn
            {
                TraceId = t.TraceId,
                Name = t.Name,
                UserId = t.UserId,
                StartTime = UnixNanos.ToDateTimeOffset(t.StartTimeUnixNano),
                StartTimeUnixNano = t.StartTimeUnixNano,
                LatencyMs = t.LatencyMs,
                Status = t.Status,
                Input = t.InputText,
                Output = t.OutputText,
                TotalTokens = t.TotalTokens,
                Cost = t.Cost,
            })
            .ToList();
        var userId = turns.Select(t => t.UserId).FirstOrDefault(u => u is not null);
        return new SessionDetail(sessionId, userId, turns, rows.Count > MaxTurns);
    }

    /// <summary>A user's totals and sessions; null when the project has no trace of that user.</summary>
    public async Task<UserSummary?> GetUserAsync(string projectId, string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ofUser = db.Traces.AsNoTracking().Where(t => t.ProjectId == projectId && t.UserId == userId);

        var sessions = await ofUser
            .GroupBy(t => t.SessionId)
            .Select(g => new
            {
                SessionId = g.Key,
                First = g.Min(t => t.StartTimeUnixNano),
                Last = g.Max(t => t.StartTimeUnixNano),
                Count = g.Count(),
                Errors = g.Count(t => t.Status == SpanStatus.Error),
                Tokens = g.Sum(t => t.TotalTokens),
                // A plain SUM reads a group without a priced trace as 0: its cost is unknown, not free.
                Cost = g.Count(t => t.Cost != null) > 0 ? g.Sum(t => t.Cost) : null,
            })
            .ToListAsync(cancellationToken);
        if (sessions.Count == 0)
        {
            return null;
        }

        // Totals come from the per-session groups, so the user's traces are read once.
        return new UserSummary
        {
            UserId = userId,
            TraceCount = sessions.Sum(s => s.Count),
            ErrorCount = sessions.Sum(s => s.Errors),
            TotalTokens = sessions.Sum(s => s.Tokens),
            Cost = sessions.Any(s => s.Cost is not null) ? sessions.Sum(s => s.Cost ?? 0) : null,
            FirstSeen = UnixNanos.ToDateTimeOffset(sessions.Min(s => s.First)),
            LastSeen = UnixNanos.ToDateTimeOffset(sessions.Max(s => s.Last)),
            Sessions =
            [
                .. sessions
                    .OrderByDescending(s => s.Last)
                    .Take(MaxUserSessions)
                    .Select(s => new UserSession(
                        s.SessionId,
                        UnixNanos.ToDateTimeOffset(s.First),
                        UnixNanos.ToDateTimeOffset(s.Last),
                        s.Count,
                        s.Errors,
                        s.Cost,
                        s.Tokens)),
            ],
        };
    }
}
