using System.Text.Json.Serialization;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// A session's traces, oldest first, each one turn of the conversation; <c>Truncated</c> when the session has more
/// traces than <see cref="SessionQueries.MaxTurns"/>.
/// </summary>
public sealed record SessionDetail(string SessionId, string? UserId, IReadOnlyList<SessionTurn> Traces, bool Truncated);

/// <summary>One trace of a session: its input as the user's turn and its output as the assistant's.</summary>
public sealed record SessionTurn
{
    public required string TraceId { get; init; }

    public string? Name { get; init; }

    public string? UserId { get; init; }

    public DateTimeOffset StartTime { get; init; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    public long StartTimeUnixNano { get; init; }

    public double LatencyMs { get; init; }

    public required string Status { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    public long TotalTokens { get; init; }

    public double? Cost { get; init; }
}

/// <summary>What one user did: volume, errors, spend, and their sessions newest first.</summary>
public sealed record UserSummary
{
    public required string UserId { get; init; }

    public int TraceCount { get; init; }

    public int ErrorCount { get; init; }

    public long TotalTokens { get; init; }

    public double? Cost { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; init; }

    public required IReadOnlyList<UserSession> Sessions { get; init; }
}

/// <summary>A session of a user; <see cref="SessionId"/> is null for the user's traces outside any session.</summary>
public sealed record UserSession(
    string? SessionId,
    DateTimeOffset FirstStart,
    DateTimeOffset LastStart,
    int TraceCount,
    int ErrorCount,
    double? Cost,
    long TotalTokens = 0);
