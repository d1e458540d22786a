using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Reads for the trace page of a big trace: the outline (every span without its large fields) and one span in
/// full, so a trace of thousands of spans never ships every prompt and attribute set to the page at once.
/// </summary>
public sealed class SpanQueries(IDbContextFactory<LlmObserveDbContext> dbFactory, TraceQueries traces)
{
    /// <summary>
    /// A trace with its spans reduced to what the tree and timeline show: ids, names, type, times, status, model,
    /// usage and cost. Inputs, outputs, messages, documents, attributes, events and links are left empty.
    /// </summary>
    public Task<TraceDetail?> GetOutlineAsync(string projectId, string traceId, CancellationToken cancellationToken)
        => traces.LoadTraceAsync(
            projectId,
            traceId,
            (db, token) => ReadOutlineAsync(db, projectId, traceId, token),
            cancellationToken);

    /// <summary>
    /// A trace's header, scores and feedback with no spans: what the trace page shows while its outline loads.
    /// </summary>
    public Task<TraceDetail?> GetHeaderAsync(string projectId, string traceId, CancellationToken cancellationToken)
        => traces.LoadTraceAsync(
            projectId,
            traceId,
            (_, _) => Task.FromResult(new List<SpanEntity>()),
            cancellationToken);

    /// <summary>
    /// The span a trace page selects when its address names none: the earliest span without a parent, else the
    /// earliest span; null when no span of the trace has arrived.
    /// </summary>
    public async Task<string?> GetFirstSpanIdAsync(
        string projectId,
        string traceId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Spans.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
            .OrderBy(s => s.ParentSpanId == null ? 0 : 1)
            .ThenBy(s => s.StartTimeUnixNano)
            .ThenBy(s => s.Id)
            .Select(s => s.SpanId)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the outline columns through a plain data reader: for ten thousand spans, materialising them through
    /// EF Core cost two to three times the query itself, and compiling its projection made the first open slow.
    /// </summary>
    private static async Task<List<SpanEntity>> ReadOutlineAsync(
        LlmObserveDbContext db,
        string projectId,
        string traceId,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        command.CommandText = """
            SELECT "SpanId", "ParentSpanId", "Name", "Type", "Kind", "StartTimeUnixNano", "EndTimeUnixNano", "Status",
                "StatusMessage", "ErrorType", "Model", "Provider", "InputTokens", "OutputTokens", "CacheReadTokens",
                "CacheWriteTokens", "ReasoningTokens", "TotalTokens", "UsageEstimated", "Cost", "CostReported"
            FROM "Spans"
            WHERE "ProjectId" = $project AND "TraceId" = $trace
            ORDER BY "StartTimeUnixNano", "Id"
            """;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$trace", traceId);

        var spans = new List<SpanEntity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            spans.Add(new SpanEntity
            {
                ProjectId = projectId,
                TraceId = traceId,
                SpanId = reader.GetString(0),
                ParentSpanId = NullableString(reader, 1),
                Name = reader.GetString(2),
                Type = reader.GetString(3),
                Kind = NullableString(reader, 4),
                StartTimeUnixNano = reader.GetInt64(5),
                EndTimeUnixNano = reader.GetInt64(6),
                Status = reader.GetString(7),
                StatusMessage = NullableString(reader, 8),
                ErrorType = NullableString(reader, 9),
                Model = NullableString(reader, 10),
                Provider = NullableString(reader, 11),
                InputTokens = NullableLong(reader, 12),
                OutputTokens = NullableLong(reader, 13),
                CacheReadTokens = NullableLong(reader, 14),
                CacheWriteTokens = NullableLong(reader, 15),
                ReasoningTokens = NullableLong(reader, 16),
                TotalTokens = NullableLong(reader, 17),
                UsageEstimated = reader.GetBoolean(18),
                Cost = reader.IsDBNull(19) ? null : reader.GetDouble(19),
                CostReported = reader.GetBoolean(20),
            });
        }

        return spans;
    }

    /// <summary>One span of a trace with every field decoded; null when the trace has no such span.</summary>
    public async Task<SpanDetail?> GetSpanAsync(
        string projectId,
        string traceId,
        string spanId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var span = await db.Spans.AsNoTracking()
            .FirstOrDefaultAsync(
                s => s.ProjectId == projectId && s.TraceId == traceId && s.SpanId == spanId,
                cancellationToken);
        if (span is null)
        {
            return null;
        }

        // Only whether the parent arrived is needed from the rest of the trace; one indexed lookup answers it.
        var parentArrived = span.ParentSpanId is not { } parentId
            || await db.Spans.AnyAsync(
                s => s.ProjectId == projectId && s.TraceId == traceId && s.SpanId == parentId,
                cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal) { span.SpanId };
        if (parentArrived && span.ParentSpanId is { } parent)
        {
            known.Add(parent);
        }

        return TraceQueries.ToDetail(span, known);
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableLong(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
