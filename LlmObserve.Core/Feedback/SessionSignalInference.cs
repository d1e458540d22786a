using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Feedback;

/// <summary>
/// Stores the implicit signals of <see cref="SessionSignalRules"/> as feedback with source
/// <see cref="FeedbackSource.Inferred"/>. It reads traces once they settled, in the order they were first stored,
/// queues their sessions, and reads each queued session again when it may have ended (for abandon). A signal is
/// stored once per (trace, kind): a unique index makes every pass idempotent, restarts included.
/// </summary>
public sealed class SessionSignalInference(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    OfflineEvaluatorCatalog catalog,
    LlmObserveOptions options,
    TimeProvider timeProvider)
{
    public const int ScanSize = 2000;
    public const int SessionsPerPass = 100;

    /// <summary>The latest requests of a session read per pass; older pairs were read when they were new.</summary>
    public const int TurnsPerSession = 200;

    private const string ScanTraces = """
        SELECT "Id", "ProjectId", "SessionId", "UpdatedAtUnixNano" FROM "Traces" NOT INDEXED
        WHERE "Id" > $cursor ORDER BY "Id" LIMIT $limit
        """;

    private const string Enqueue = """
        INSERT INTO "SessionInferenceQueue" ("ProjectId", "SessionId", "CheckAfter") VALUES ($project, $session, $now)
        ON CONFLICT ("ProjectId", "SessionId") DO UPDATE SET "CheckAfter" = min("CheckAfter", excluded."CheckAfter")
        """;

    private const string SaveCursor = """
        INSERT INTO "FeedbackInferenceStates" ("Id", "TraceRowCursor") VALUES (1, $cursor)
        ON CONFLICT ("Id") DO UPDATE SET "TraceRowCursor" = excluded."TraceRowCursor"
        """;

    private const string DueSessions = """
        SELECT "ProjectId", "SessionId" FROM "SessionInferenceQueue"
        WHERE "CheckAfter" <= $now ORDER BY "CheckAfter" LIMIT $limit
        """;

    private const string SessionTurns = """
        SELECT "TraceId", "StartTimeUnixNano", "EndTimeUnixNano", "InputText", "OutputText", "Status", "UserId"
        FROM "Traces"
        WHERE "ProjectId" = $project AND "SessionId" = $session
        ORDER BY "StartTimeUnixNano" DESC, "TraceId" DESC
        LIMIT $limit
        """;

    private const string InsertSignal = """
        INSERT INTO "Feedback" ("ProjectId", "TraceId", "Kind", "UserId", "CreatedAt", "Source", "Inference",
            "LinkedAt")
        VALUES ($project, $trace, $kind, $user, $createdAt, 'inferred', $inference, $now)
        ON CONFLICT DO NOTHING
        """;

    private const string Recheck = """
        UPDATE "SessionInferenceQueue" SET "CheckAfter" = $after WHERE "ProjectId" = $project AND "SessionId" = $session
        """;

    private const string Dequeue = """
        DELETE FROM "SessionInferenceQueue"
        WHERE "ProjectId" = $project AND "SessionId" = $session AND "CheckAfter" <= $now
        """;

    private FeedbackOptions Settings => options.Feedback;

    /// <summary>
    /// One pass: queue the sessions of newly settled traces, then infer the due ones. Returns signals stored.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var now = timeProvider.GetUtcNow();

        await QueueSettledSessionsAsync(db, connection, now, cancellationToken);

        var due = new List<(string ProjectId, string SessionId)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = DueSessions;
            select.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            select.Parameters.AddWithValue("$limit", SessionsPerPass);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var stored = 0;
        foreach (var (projectId, sessionId) in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stored += await InferSessionAsync(connection, projectId, sessionId, now, cancellationToken);
        }

        return stored;
    }

    private async Task QueueSettledSessionsAsync(
        LlmObserveDbContext db,
        SqliteConnection connection,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var cursor = await db.Set<FeedbackInferenceState>().AsNoTracking()
            .Where(s => s.Id == 1)
            .Select(s => (long?)s.TraceRowCursor)
            .SingleOrDefaultAsync(cancellationToken) ?? 0;
        var settledBefore = UnixNanos.FromDateTimeOffset(now - TimeSpan.FromSeconds(Settings.InferenceSettleSeconds));
        var sessions = new HashSet<(string, string)>();
        var next = cursor;
        await using (var scan = connection.CreateCommand())
        {
            scan.CommandText = ScanTraces;
            scan.Parameters.AddWithValue("$cursor", cursor);
            scan.Parameters.AddWithValue("$limit", ScanSize);
            await using var reader = await scan.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // A trace still receiving spans may still get its session (often only the root span carries it):
                // the cursor stops before it and the next pass reads it again.
                if (reader.GetInt64(3) > settledBefore)
                {
                    break;
                }

                next = reader.GetInt64(0);
                if (!reader.IsDBNull(2))
                {
                    sessions.Add((reader.GetString(1), reader.GetString(2)));
                }
            }
        }

        if (next == cursor)
        {
            return;
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var enqueue = connection.CreateCommand())
        {
            enqueue.Transaction = transaction;
            enqueue.CommandText = Enqueue;
            var project = enqueue.Parameters.Add("$project", SqliteType.Text);
            var session = enqueue.Parameters.Add("$session", SqliteType.Text);
            enqueue.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            foreach (var (projectId, sessionId) in sessions)
            {
                project.Value = projectId;
                session.Value = sessionId;
                await enqueue.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var save = connection.CreateCommand())
        {
            save.Transaction = transaction;
            save.CommandText = SaveCursor;
            save.Parameters.AddWithValue("$cursor", next);
            await save.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<int> InferSessionAsync(
        SqliteConnection connection,
        string projectId,
        string sessionId,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var refusal = catalog.Get(EvaluatorKinds.Refusal);
        var turns = new List<SessionTurn>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = SessionTurns;
            select.Parameters.AddWithValue("$project", projectId);
            select.Parameters.AddWithValue("$session", sessionId);
            select.Parameters.AddWithValue("$limit", TurnsPerSession);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var start = UnixNanos.ToDateTimeOffset(reader.GetInt64(1));
                var end = reader.IsDBNull(2) ? start : UnixNanos.ToDateTimeOffset(reader.GetInt64(2));
                var output = reader.IsDBNull(4) ? null : reader.GetString(4);
                var refused = output is not null
                    && refusal.Evaluate(OfflineEvaluationInput.ForOutput(output), cancellationToken).Label
                        == OfflineLabels.Refusal;
                turns.Add(new SessionTurn(
                    reader.GetString(0),
                    start,
                    end,
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    !reader.IsDBNull(5) && reader.GetString(5) == SpanStatus.Error,
                    refused,
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        turns.Reverse();
        var idle = TimeSpan.FromMinutes(Settings.SessionIdleMinutes);
        var signals = SessionSignalRules.Infer(
            turns,
            texts => catalog.Embedder.Embed(texts, cancellationToken),
            Settings.RephraseSimilarity,
            idle,
            now);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var stored = 0;
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = InsertSignal;
            insert.Parameters.AddWithValue("$project", projectId);
            insert.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            var trace = insert.Parameters.Add("$trace", SqliteType.Text);
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var user = insert.Parameters.Add("$user", SqliteType.Text);
            var createdAt = insert.Parameters.Add("$createdAt", SqliteType.Integer);
            var inference = insert.Parameters.Add("$inference", SqliteType.Text);
            foreach (var signal in signals)
            {
                trace.Value = signal.TraceId;
                kind.Value = signal.Kind;
                user.Value = signal.UserId ?? (object)DBNull.Value;
                createdAt.Value = StoreTime.ToStore(signal.Time);
                inference.Value = signal.Inference;
                stored += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        // A session that may still go on is read again once it has been idle long enough to have ended.
        var lastEnd = turns.Count == 0 ? now : turns.Max(t => t.End);
        await using (var next = connection.CreateCommand())
        {
            next.Transaction = transaction;
            next.Parameters.AddWithValue("$project", projectId);
            next.Parameters.AddWithValue("$session", sessionId);
            if (now - lastEnd < idle)
            {
                next.CommandText = Recheck;
                next.Parameters.AddWithValue("$after", StoreTime.ToStore(lastEnd + idle));
            }
            else
            {
                next.CommandText = Dequeue;
                next.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            }

            await next.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }
}
