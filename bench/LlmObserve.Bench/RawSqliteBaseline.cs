using System.Diagnostics;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Bench;

/// <summary>
/// The ceiling to compare against: the same span rows through one plain prepared INSERT, in large transactions,
/// into a fresh file with the store's schema (so the same unique id index), with the same pragmas as the writer.
/// Building the rows is outside the measured time.
/// </summary>
internal static class RawSqliteBaseline
{
    private static readonly (string Column, Func<SpanEntity, object?> Value)[] Columns =
    [
        ("ProjectId", s => s.ProjectId), ("TraceId", s => s.TraceId), ("SpanId", s => s.SpanId),
        ("ParentSpanId", s => s.ParentSpanId), ("Name", s => s.Name), ("Type", s => s.Type), ("Kind", s => s.Kind),
        ("StartTimeUnixNano", s => s.StartTimeUnixNano), ("EndTimeUnixNano", s => s.EndTimeUnixNano),
        ("Status", s => s.Status), ("StatusMessage", s => s.StatusMessage), ("ErrorType", s => s.ErrorType),
        ("Model", s => s.Model), ("RequestModel", s => s.RequestModel), ("ResponseModel", s => s.ResponseModel),
        ("Provider", s => s.Provider), ("ParametersJson", s => s.ParametersJson), ("InputText", s => s.InputText),
        ("OutputText", s => s.OutputText), ("InputMessagesJson", s => s.InputMessagesJson),
        ("OutputMessagesJson", s => s.OutputMessagesJson), ("ToolDefinitionsJson", s => s.ToolDefinitionsJson),
        ("DocumentsJson", s => s.DocumentsJson), ("ToolJson", s => s.ToolJson), ("InputTokens", s => s.InputTokens),
        ("OutputTokens", s => s.OutputTokens), ("CacheReadTokens", s => s.CacheReadTokens),
        ("CacheWriteTokens", s => s.CacheWriteTokens), ("ReasoningTokens", s => s.ReasoningTokens),
        ("TotalTokens", s => s.TotalTokens), ("UsageEstimated", s => s.UsageEstimated), ("Cost", s => s.Cost),
        ("CostReported", s => s.CostReported), ("CostDetailsJson", s => s.CostDetailsJson),
        ("SessionId", s => s.SessionId), ("UserId", s => s.UserId), ("Environment", s => s.Environment),
        ("Release", s => s.Release), ("Version", s => s.Version), ("TagsJson", s => s.TagsJson),
        ("MetadataJson", s => s.MetadataJson), ("TraceName", s => s.TraceName),
        ("TraceInputText", s => s.TraceInputText), ("TraceOutputText", s => s.TraceOutputText),
        ("FinishReasonsJson", s => s.FinishReasonsJson), ("ResponseId", s => s.ResponseId),
        ("CompletionStartUnixNano", s => s.CompletionStartUnixNano), ("PromptJson", s => s.PromptJson),
        ("ServiceName", s => s.ServiceName), ("ScopeName", s => s.ScopeName),
        ("AttributesJson", s => s.AttributesJson), ("ResourceAttributesJson", s => s.ResourceAttributesJson),
        ("EventsJson", s => s.EventsJson), ("LinksJson", s => s.LinksJson),
        ("TruncationsJson", s => s.TruncationsJson), ("IngestedAtUnixNano", s => s.IngestedAtUnixNano),
    ];

    /// <summary>
    /// Creates an empty database file in WAL mode, with the given page size when there is one; the page size of a
    /// file is fixed by its first table, so this runs before the migrations.
    /// </summary>
    public static void CreateDatabase(string path, int? pageSize)
    {
        if (pageSize is null)
        {
            return;
        }

        using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA page_size={pageSize.Value}; PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
    }

    public static LoadResult Run(
        string directory,
        int? pageSize,
        string synchronous,
        TraceWorkload workload,
        int spansPerTransaction,
        TimeSpan duration,
        long maxTraces)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "raw.db"),
            Pooling = false,
        }.ToString();
        CreateDatabase(Path.Combine(directory, "raw.db"), pageSize);
        using (var db = new LlmObserveDbContext(
            new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(connectionString).Options))
        {
            db.Database.Migrate();
        }

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; " +
                "PRAGMA temp_store=MEMORY;";
            pragma.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO "Spans" ({string.Join(", ", Columns.Select(c => $"\"{c.Column}\""))})
            VALUES ({string.Join(", ", Columns.Select(c => "$" + c.Column))})
            """;
        var parameters = Columns
            .Select(c => insert.Parameters.Add(new SqliteParameter("$" + c.Column, null)))
            .ToArray();
        insert.Prepare();
        var tracesPerTransaction = Math.Max(1, spansPerTransaction / TraceWorkload.SpansPerTrace);

        var spans = 0L;
        var traces = 0L;
        var measured = TimeSpan.Zero;
        var latencies = new List<double>();
        while (measured < duration && traces < maxTraces)
        {
            var count = (int)Math.Min(tracesPerTransaction, maxTraces - traces);
            var rows = workload.ToEntities("bench", workload.Next(count));

            var started = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction())
            {
                insert.Transaction = transaction;
                foreach (var row in rows)
                {
                    for (var i = 0; i < Columns.Length; i++)
                    {
                        parameters[i].Value = Columns[i].Value(row) ?? DBNull.Value;
                    }

                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            measured += elapsed;
            latencies.Add(elapsed.TotalMilliseconds);
            spans += rows.Count;
            traces += count;
        }

        return new LoadResult(spans, 0, 0, measured, [.. latencies]);
    }
}
