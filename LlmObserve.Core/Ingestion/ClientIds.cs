using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Ingestion;

/// <summary>
/// The ids a sender may give its scores and feedback so that a retry is stored once. They are compared exactly, as
/// sent: the sender made them, so no case or space is ours to fold.
/// </summary>
public static class ClientIds
{
    /// <summary>Longest id taken, in characters: a UUID or a request id with a suffix fits with room.</summary>
    public const int MaxLength = 200;

    // SQLITE_CONSTRAINT_UNIQUE: an insert hit a unique index.
    private const int SqliteUniqueConstraint = 2067;

    /// <summary>Why <paramref name="id"/> cannot serve as a client id; null when it can or was not given.</summary>
    public static string? Check(string? id) => id switch
    {
        null => null,
        _ when string.IsNullOrWhiteSpace(id) => "must not be empty; leave it out to send without an id.",
        { Length: > MaxLength } => $"must be at most {MaxLength} characters (was {id.Length}).",
        _ => null,
    };

    /// <summary>
    /// Whether a save failed on a unique index: with a client id set, a concurrent send of the same id committed
    /// between the look-up and the insert, and the item stored first is the answer.
    /// </summary>
    public static bool IsDuplicate(DbUpdateException error)
        => error.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteUniqueConstraint };
}
