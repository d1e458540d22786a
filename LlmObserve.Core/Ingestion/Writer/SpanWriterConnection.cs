using System.Data.Common;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>Where the span writer opens its one long-lived connection, and the host's per-connection set-up.</summary>
/// <param name="ConnectionString">The store's SQLite connection string; the writer turns pooling off.</param>
/// <param name="ConfigureConnection">
/// Called right after the connection opens, so the writer runs with the same pragmas as every other connection
/// of the host. The writer then applies WAL and the configured <c>synchronous</c> level itself.
/// </param>
public sealed record SpanWriterConnection(string ConnectionString, Action<DbConnection>? ConfigureConnection = null);

/// <summary>Counters of the writer since it was created, for tests, health and the bench.</summary>
/// <param name="TransactionsCommitted">Transactions committed; many batches share one under load.</param>
/// <param name="TransactionsFailed">Transactions rolled back; every caller of one was failed.</param>
/// <param name="BatchesCommitted">Batches acknowledged after their transaction committed.</param>
/// <param name="SpansWritten">Spans inserted.</param>
/// <param name="SpansAlreadyStored">Spans skipped because they were stored before.</param>
/// <param name="TracesRecomputed">Trace aggregates recomputed, one per trace touched by a transaction.</param>
/// <param name="BatchesRejected">Batches refused because the queue was full or the writer was stopping.</param>
/// <param name="QueuedItems">Items (spans, scores, feedback) accepted and not yet committed or failed.</param>
/// <param name="TracesIndexed">Traces (re)indexed for full-text search, in transactions apart from the commits.</param>
public sealed record GroupCommitStatistics(
    long TransactionsCommitted,
    long TransactionsFailed,
    long BatchesCommitted,
    long SpansWritten,
    long SpansAlreadyStored,
    long TracesRecomputed,
    long BatchesRejected,
    long QueuedItems,
    long TracesIndexed);
