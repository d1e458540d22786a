using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// Brings the full-text index (<c>TracesSearch</c>) up to date with the traces listed in <c>TracesSearchPending</c>,
/// on the writer's connection. Triggers on <c>Traces</c> list a trace there, inside the transaction that changed its
/// name or text, so the list is as durable as the change: a crash before indexing loses nothing, and traces written
/// by any path (not only the writer) get indexed.
/// </summary>
/// <remarks>
/// A pass commits without waiting for the disk (synchronous=NORMAL for its transaction): lost in a power cut, it
/// takes its traces off the list together with indexing them, so they are simply indexed again; otherwise the next
/// durable commit's sync of the WAL covers it. That spares one fsync per pass.
/// </remarks>
internal sealed class TraceSearchIndexer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _hasPending;
    private readonly SqliteCommand _index;
    private readonly SqliteCommand _dequeue;
    private readonly SqliteCommand? _relax;
    private readonly SqliteCommand? _restore;
    private bool _prepared;

    /// <param name="connection">The writer's connection.</param>
    /// <param name="synchronous">The connection's synchronous level, restored after each pass.</param>
    public TraceSearchIndexer(SqliteConnection connection, string synchronous)
    {
        _connection = connection;
        _hasPending = connection.CreateCommand();
        _hasPending.CommandText = WriterSql.HasPendingSearch;
        _index = Create(connection, WriterSql.IndexPendingSearch);
        _dequeue = Create(connection, WriterSql.DequeuePendingSearch);
        if (synchronous is "FULL" or "EXTRA")
        {
            _relax = connection.CreateCommand();
            _relax.CommandText = "PRAGMA synchronous=NORMAL";
            _restore = connection.CreateCommand();
            _restore.CommandText = $"PRAGMA synchronous={synchronous}";
        }
    }

    /// <summary>True when some trace waits to be indexed; a read outside any transaction.</summary>
    public bool HasPending() => Convert.ToInt64(_hasPending.ExecuteScalar(), null) != 0;

    /// <summary>
    /// Indexes the first <paramref name="maxTraces"/> pending traces (replacing what the index held for them) and
    /// takes them off the list, in a transaction of its own.
    /// </summary>
    /// <returns>How many traces were taken off the list; fewer than asked means none is left.</returns>
    public int IndexPending(int maxTraces)
    {
        _relax?.ExecuteNonQuery();
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _index.Transaction = transaction;
            _dequeue.Transaction = transaction;
            _index.Parameters[0].Value = maxTraces;
            _dequeue.Parameters[0].Value = maxTraces;
            if (!_prepared)
            {
                _index.Prepare();
                _dequeue.Prepare();
                _prepared = true;
            }

            _index.ExecuteNonQuery();
            var dequeued = _dequeue.ExecuteNonQuery();
            transaction.Commit();
            return dequeued;
        }
        finally
        {
            _index.Transaction = null;
            _dequeue.Transaction = null;
            _restore?.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _hasPending.Dispose();
        _index.Dispose();
        _dequeue.Dispose();
        _relax?.Dispose();
        _restore?.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new SqliteParameter("$limit", null));
        return command;
    }
}
