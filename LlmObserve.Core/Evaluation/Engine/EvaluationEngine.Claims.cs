using System.Globalization;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LlmObserve.Core.Evaluation.Engine;

public sealed partial class EvaluationEngine
{
    /// <summary>Pending evaluations an evaluator may have waiting, in batches, before it claims more.</summary>
    private const int PendingBatches = 4;

    /// <summary>
    /// Claims new traces for an evaluator's current version: those stored after its cursor (live traffic), then those
    /// of its unfinished backfills, as far as its backlog allows.
    /// </summary>
    private async Task<int> ClaimAsync(
        LlmObserveDbContext db,
        EvaluationPlan plan,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var evaluator = plan.Evaluator;
        var pending = await db.EvaluationRuns.CountAsync(
            r => r.EvaluatorId == evaluator.Id
                && r.EvaluatorVersion == evaluator.CurrentVersion
                && r.Status == EvaluationRunStatus.Pending,
            cancellationToken);
        var room = (Settings.BatchSize * PendingBatches) - pending;
        if (room <= 0)
        {
            return 0;
        }

        var live = await ScanAsync(db, plan, evaluator.LiveCursorRowId, null, room, now, cancellationToken);
        var claimed = await StoreClaimsAsync(
            db,
            plan,
            live,
            now,
            "UPDATE \"Evaluators\" SET \"LiveCursorRowId\" = $cursor "
                + "WHERE \"Id\" = $owner AND \"CurrentVersion\" = $version AND \"LiveCursorRowId\" = $previous",
            evaluator.Id,
            evaluator.LiveCursorRowId,
            cancellationToken);
        room -= claimed;

        var backfills = await db.EvaluationBackfills.AsNoTracking()
            .Where(b => b.EvaluatorId == evaluator.Id
                && b.EvaluatorVersion == evaluator.CurrentVersion
                && b.CompletedAt == null)
            .OrderBy(b => b.Id)
            .ToListAsync(cancellationToken);
        foreach (var backfill in backfills)
        {
            if (room <= 0)
            {
                break;
            }

            var scan = await ScanAsync(db, plan, backfill.CursorRowId, backfill, room, now, cancellationToken);
            var done = scan.Exhausted ? ", \"CompletedAt\" = $now" : string.Empty;
            var count = await StoreClaimsAsync(
                db,
                plan,
                scan,
                now,
                "UPDATE \"EvaluationBackfills\" SET \"CursorRowId\" = $cursor, "
                    + $"\"Claimed\" = \"Claimed\" + $claimed{done} "
                    + "WHERE \"Id\" = $owner AND \"EvaluatorVersion\" = $version AND \"CursorRowId\" = $previous",
                backfill.Id,
                backfill.CursorRowId,
                cancellationToken);
            if (scan.Exhausted)
            {
                logger.BackfillDone(backfill.Id, evaluator.Id, backfill.Claimed + count);
            }

            claimed += count;
            room -= count;
        }

        return claimed;
    }

    /// <summary>
    /// Reads the traces after a cursor in the order they were first stored and picks those to claim: settled (no span
    /// for <see cref="EvaluationOptions.SettleSeconds"/>), matching the filter and sampled. The cursor moves past what
    /// was decided and stops before the first trace still receiving spans, whose filter may still change.
    /// </summary>
    private async Task<TraceScan> ScanAsync(
        LlmObserveDbContext db,
        EvaluationPlan plan,
        long cursor,
        EvaluationBackfill? backfill,
        int room,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var filter = new TraceListSql(plan.Evaluator.ProjectId, plan.Filter);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        filter.ApplyTo(command);
        command.Parameters.AddWithValue("$scanProject", plan.Evaluator.ProjectId);
        command.Parameters.AddWithValue("$scanCursor", cursor);
        var range = string.Empty;
        if (backfill is not null)
        {
            range = """
                 AND t."Id" <= $scanUpTo AND t."StartTimeUnixNano" >= $scanFrom AND t."StartTimeUnixNano" < $scanTo
                """;
            command.Parameters.AddWithValue("$scanUpTo", backfill.UpToRowId);
            command.Parameters.AddWithValue("$scanFrom", UnixNanos.FromDateTimeOffset(backfill.From));
            command.Parameters.AddWithValue("$scanTo", UnixNanos.FromDateTimeOffset(backfill.To));
        }

        // NOT INDEXED keeps SQLite on the row id range instead of a project index it would then have to sort.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT t."Id", t."TraceId", t."UpdatedAtUnixNano", CASE WHEN {filter.Where} THEN 1 ELSE 0 END
            FROM "Traces" AS t NOT INDEXED
            WHERE t."ProjectId" = $scanProject AND t."Id" > $scanCursor{range}
            ORDER BY t."Id"
            LIMIT {Settings.ScanSize}
            """);

        var settledBefore = UnixNanos.FromDateTimeOffset(now - TimeSpan.FromSeconds(Settings.SettleSeconds));
        var claims = new List<string>();
        var next = cursor;
        var seen = 0;
        var blocked = false;
        var full = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                seen++;
                var rowId = reader.GetInt64(0);
                var traceId = reader.GetString(1);
                if (reader.GetInt64(2) > settledBefore)
                {
                    blocked = true;
                    continue;
                }

                if (reader.GetInt64(3) == 1 && EvaluationSampling.IsSampled(traceId, plan.Evaluator.SamplingRate))
                {
                    if (claims.Count >= room)
                    {
                        full = true;
                        break;
                    }

                    claims.Add(traceId);
                }

                if (!blocked)
                {
                    next = rowId;
                }
            }
        }

        var exhausted = seen < Settings.ScanSize && !blocked && !full;
        if (exhausted && backfill is not null)
        {
            next = Math.Max(next, backfill.UpToRowId);
        }

        return new TraceScan(claims, next, exhausted);
    }

    /// <summary>
    /// Stores the claimed traces as pending evaluations and moves the cursor, in one transaction; the cursor moves only
    /// from where this pass read it, so two instances never both claim past it.
    /// </summary>
    private async Task<int> StoreClaimsAsync(
        LlmObserveDbContext db,
        EvaluationPlan plan,
        TraceScan scan,
        DateTimeOffset now,
        string moveCursor,
        object owner,
        long previous,
        CancellationToken cancellationToken)
    {
        if (scan.Cursor == previous && scan.Claims.Count == 0 && !scan.Exhausted)
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var inserted = 0;
        await using (var insert = Command(connection, transaction, """
            INSERT INTO "EvaluationRuns" ("ProjectId", "EvaluatorId", "EvaluatorVersion", "TraceId", "Status",
                "Attempts", "JudgeTokens", "CreatedAt", "NextAttemptAt")
            VALUES ($project, $evaluator, $version, $trace, $status, 0, 0, $now, $now)
            ON CONFLICT DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("$project", plan.Evaluator.ProjectId);
            insert.Parameters.AddWithValue("$evaluator", plan.Evaluator.Id);
            insert.Parameters.AddWithValue("$version", plan.Version.Version);
            insert.Parameters.AddWithValue("$status", EvaluationRunStatus.Pending);
            insert.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            var trace = insert.Parameters.Add("$trace", SqliteType.Text);
            foreach (var traceId in scan.Claims)
            {
                trace.Value = traceId;
                inserted += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var move = Command(connection, transaction, moveCursor))
        {
            move.Parameters.AddWithValue("$cursor", scan.Cursor);
            move.Parameters.AddWithValue("$owner", owner);
            move.Parameters.AddWithValue("$version", plan.Version.Version);
            move.Parameters.AddWithValue("$previous", previous);
            move.Parameters.AddWithValue("$claimed", inserted);
            move.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            if (await move.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // Another pass moved the cursor, or the evaluator changed version: this pass's reading is stale.
                await transaction.RollbackAsync(cancellationToken);
                return 0;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    private static SqliteCommand Command(SqliteConnection connection, IDbContextTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
        command.CommandText = sql;
        return command;
    }

    /// <summary>What a scan found: traces to claim, where the cursor may move, and whether nothing is left.</summary>
    private sealed record TraceScan(IReadOnlyList<string> Claims, long Cursor, bool Exhausted);
}
