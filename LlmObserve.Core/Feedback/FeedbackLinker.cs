using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Feedback;

/// <summary>
/// Links pending feedback to traces that have arrived since: feedback by trace id once that trace is stored,
/// feedback by request id once a trace carries that request id (<see cref="FeedbackRequestIds"/>). Everything it
/// needs is in the store, so it is idempotent and carries on after a restart.
/// </summary>
public sealed class FeedbackLinker(IDbContextFactory<LlmObserveDbContext> dbFactory, TimeProvider timeProvider)
{
    /// <summary>
    /// Most entries linked by trace id per statement, so one pass never holds the write lock for long.
    /// </summary>
    public const int BatchSize = 500;

    private const string LinkByTraceId = """
        UPDATE "Feedback" SET "LinkedAt" = $now
        WHERE "Id" IN (
            SELECT f."Id" FROM "Feedback" AS f
            WHERE f."LinkedAt" IS NULL AND f."TraceId" IS NOT NULL
                AND EXISTS (SELECT 1 FROM "Traces" AS t
                    WHERE t."ProjectId" = f."ProjectId" AND t."TraceId" = f."TraceId")
            LIMIT $limit)
        """;

    // The trace's request id expression is left unqualified: inside the subquery only "Traces" has that column,
    // and it must read exactly as the index's expression for SQLite to seek by it.
    private const string TraceOfRequest = $"""
        SELECT t."TraceId" FROM "Traces" AS t
        WHERE t."ProjectId" = "Feedback"."ProjectId" AND {FeedbackRequestIds.OfTrace} = "Feedback"."RequestId"
            AND {FeedbackRequestIds.HasCandidate}
        ORDER BY t."StartTimeUnixNano", t."TraceId"
        LIMIT 1
        """;

    private const string LinkByRequestId = $"""
        UPDATE "Feedback" SET "TraceId" = ({TraceOfRequest}), "LinkedAt" = $now
        WHERE "LinkedAt" IS NULL AND "TraceId" IS NULL AND "RequestId" IS NOT NULL AND EXISTS ({TraceOfRequest})
        """;

    /// <summary>Links what can be linked now; returns how many entries were linked.</summary>
    public async Task<int> LinkPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var now = StoreTime.ToStore(timeProvider.GetUtcNow());

        int linked;
        await using (var byTrace = connection.CreateCommand())
        {
            byTrace.CommandText = LinkByTraceId;
            byTrace.Parameters.AddWithValue("$now", now);
            byTrace.Parameters.AddWithValue("$limit", BatchSize);
            linked = await byTrace.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var byRequest = connection.CreateCommand();
        byRequest.CommandText = LinkByRequestId;
        byRequest.Parameters.AddWithValue("$now", now);
        return linked + await byRequest.ExecuteNonQueryAsync(cancellationToken);
    }
}
