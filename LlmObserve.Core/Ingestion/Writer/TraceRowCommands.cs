using LlmObserve.Core.Metrics;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// Writes the trace rows of the writer's transaction: reads what it needs of the trace's spans, derives the row
/// (<see cref="TraceAggregate"/>) and inserts it, or updates the stored one with as little index upkeep as it can.
/// </summary>
internal sealed class TraceRowCommands : IDisposable
{
    private const int MaxUpdateShapes = 64;

    private static readonly int[] IndexedColumns =
        [.. WriterSql.IndexedTraceColumns.Select(c => Array.IndexOf(WriterSql.TraceColumns, c))];

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _selectSpanFacts;
    private readonly SqliteCommand _selectTraceTexts;
    private readonly SqliteCommand _selectStoredTrace;
    private readonly SqliteCommand _upsert;
    private readonly Dictionary<int, (SqliteCommand Command, int[] Columns)> _updates = [];
    private readonly List<SpanFacts> _facts = [];
    private readonly object[] _values = new object[WriterSql.TraceColumns.Length];
    private SqliteTransaction? _transaction;
    private bool _prepared;

    public TraceRowCommands(SqliteConnection connection)
    {
        _connection = connection;
        _selectSpanFacts = Create(WriterSql.SelectSpanFacts, "$project", "$trace", "$storedBefore");
        _selectTraceTexts = Create(
            WriterSql.SelectTraceTexts,
            "$metadata", "$input", "$inputFromTrace", "$output", "$outputFromTrace");
        _selectStoredTrace = Create(WriterSql.SelectStoredTrace, "$ProjectId", "$TraceId");
        _upsert = Create(WriterSql.UpsertTrace, [.. WriterSql.TraceColumns.Select(c => "$" + c)]);
    }

    public void Enlist(SqliteTransaction? transaction)
    {
        _transaction = transaction;
        _selectSpanFacts.Transaction = transaction;
        _selectTraceTexts.Transaction = transaction;
        _selectStoredTrace.Transaction = transaction;
        _upsert.Transaction = transaction;
        foreach (var (command, _) in _updates.Values)
        {
            command.Transaction = transaction;
        }
    }

    /// <summary>
    /// Recomputes one trace from all of its spans and inserts or updates its row. The spans
    /// <paramref name="written"/> by the running transaction are taken from memory; only those stored before (row
    /// id at most <paramref name="storedBefore"/>) are read, and of their large texts only those that win. A trace
    /// that arrives whole in one transaction thus costs no read at all. A trace that was stored before is updated
    /// without touching the list indexes whose columns kept their value.
    /// </summary>
    /// <param name="projectId">The trace's project.</param>
    /// <param name="traceId">The trace.</param>
    /// <param name="written">The trace's spans inserted by the running transaction, in insertion order.</param>
    /// <param name="storedBefore">The highest span row id before the running transaction's inserts.</param>
    /// <param name="nowUnixNano">When the trace is updated.</param>
    /// <returns>What the trace now contributes to the rollups, derived from the same spans.</returns>
    /// <exception cref="OverflowException">A token sum of the trace does not fit in 64 bits.</exception>
    public TraceContribution? Write(
        string projectId,
        string traceId,
        IReadOnlyList<SpanEntity> written,
        long storedBefore,
        long nowUnixNano)
    {
        if (!_prepared)
        {
            _selectSpanFacts.Prepare();
            _selectTraceTexts.Prepare();
            _selectStoredTrace.Prepare();
            _upsert.Prepare();
            _prepared = true;
        }

        ReadStoredSpanFacts(projectId, traceId, storedBefore);
        var storedSpans = _facts.Count;
        for (var i = 0; i < written.Count; i++)
        {
            _facts.Add(SpanFacts.Of(written[i], storedBefore + 1 + i));
        }

        if (_facts.Count == 0)
        {
            return null;
        }

        var trace = TraceAggregate.Compute(_facts);
        Fill(projectId, traceId, trace, nowUnixNano);

        // Spans stored before mean a stored row, unless another writer than this one put the spans there.
        if (storedSpans == 0 || !TryUpdate(projectId, traceId))
        {
            Bind(_upsert, WriterSql.TraceColumns.Length, i => i);
            _upsert.ExecuteNonQuery();
        }

        return TraceContributions.Of(trace, _facts);
    }

    public void Dispose()
    {
        _selectSpanFacts.Dispose();
        _selectTraceTexts.Dispose();
        _selectStoredTrace.Dispose();
        _upsert.Dispose();
        foreach (var (command, _) in _updates.Values)
        {
            command.Dispose();
        }

        _updates.Clear();
    }

    private static long? NullableInt64(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static object OrNull(object? value) => value ?? DBNull.Value;

    private void Fill(string projectId, string traceId, TraceAggregate trace, long nowUnixNano)
    {
        var (metadata, input, output) = ReadTexts(trace);
        object[] values =
        [
            projectId, traceId, OrNull(trace.Name), OrNull(trace.SessionId), OrNull(trace.UserId),
            OrNull(trace.Environment), OrNull(trace.Release), OrNull(trace.Version), OrNull(trace.TagsJson), metadata,
            trace.StartTimeUnixNano, trace.EndTimeUnixNano, trace.LatencyMs, trace.Status, input, output,
            OrNull(trace.Models), trace.InputTokens, trace.OutputTokens, trace.CachedTokens, trace.ReasoningTokens,
            trace.TotalTokens, OrNull(trace.Cost), trace.SpanCount, trace.ErrorCount, trace.RootMissing, nowUnixNano,
        ];
        values.CopyTo(_values, 0);
    }

    /// <summary>
    /// Updates the stored row of the trace, setting the indexed columns only where their value changed.
    /// </summary>
    /// <returns>False when no row is stored for the trace.</returns>
    private bool TryUpdate(string projectId, string traceId)
    {
        _selectStoredTrace.Parameters[0].Value = projectId;
        _selectStoredTrace.Parameters[1].Value = traceId;
        long rowId;
        var changed = 0;
        using (var reader = _selectStoredTrace.ExecuteReader())
        {
            if (!reader.Read())
            {
                return false;
            }

            rowId = reader.GetInt64(0);
            for (var i = 0; i < IndexedColumns.Length; i++)
            {
                if (!Equals(reader.GetValue(i + 1), _values[IndexedColumns[i]]))
                {
                    changed |= 1 << i;
                }
            }
        }

        var (command, columns) = UpdateFor(changed);
        Bind(command, columns.Length, i => columns[i]);
        command.Parameters[columns.Length].Value = rowId;
        command.ExecuteNonQuery();
        return true;
    }

    private (SqliteCommand Command, int[] Columns) UpdateFor(int changed)
    {
        if (_updates.Count >= MaxUpdateShapes && !_updates.ContainsKey(changed))
        {
            // More shapes than ever seen in practice: set every indexed column.
            changed = (1 << IndexedColumns.Length) - 1;
        }

        if (_updates.TryGetValue(changed, out var update))
        {
            return update;
        }

        var columns = Enumerable.Range(2, WriterSql.TraceColumns.Length - 2)
            .Where(c => Array.IndexOf(IndexedColumns, c) is var i && (i < 0 || (changed & (1 << i)) != 0))
            .ToArray();
        var command = Create(
            WriterSql.UpdateTrace(columns.Select(c => WriterSql.TraceColumns[c])),
            [.. columns.Select(c => "$" + WriterSql.TraceColumns[c]), "$Id"]);
        command.Transaction = _transaction;
        command.Prepare();
        update = (command, columns);
        _updates.Add(changed, update);
        return update;
    }

    private void Bind(SqliteCommand command, int count, Func<int, int> column)
    {
        for (var i = 0; i < count; i++)
        {
            command.Parameters[i].Value = _values[column(i)];
        }
    }

    private void ReadStoredSpanFacts(string projectId, string traceId, long storedBefore)
    {
        _facts.Clear();
        _selectSpanFacts.Parameters[0].Value = projectId;
        _selectSpanFacts.Parameters[1].Value = traceId;
        _selectSpanFacts.Parameters[2].Value = storedBefore;
        using var reader = _selectSpanFacts.ExecuteReader();
        while (reader.Read())
        {
            _facts.Add(new SpanFacts
            {
                RowId = reader.GetInt64(0),
                SpanId = reader.GetString(27),
                ParentSpanId = NullableString(reader, 1),
                Name = reader.GetString(2),
                IsModelCall = reader.GetBoolean(3),
                Start = reader.GetInt64(4),
                End = reader.GetInt64(5),
                Status = reader.GetString(6),
                Model = NullableString(reader, 7),
                InputTokens = NullableInt64(reader, 8),
                OutputTokens = NullableInt64(reader, 9),
                CachedTokens = NullableInt64(reader, 10),
                ReasoningTokens = NullableInt64(reader, 11),
                TotalTokens = NullableInt64(reader, 12),
                Cost = reader.IsDBNull(13) ? null : reader.GetDouble(13),
                SessionId = NullableString(reader, 14),
                UserId = NullableString(reader, 15),
                Environment = NullableString(reader, 16),
                Release = NullableString(reader, 17),
                Version = NullableString(reader, 18),
                TagsJson = NullableString(reader, 19),
                TraceName = NullableString(reader, 20),
                HasMetadata = reader.GetBoolean(21),
                HasTraceInput = reader.GetBoolean(22),
                HasTraceOutput = reader.GetBoolean(23),
                HasInput = reader.GetBoolean(24),
                HasOutput = reader.GetBoolean(25),
                UsageEstimated = reader.GetBoolean(26),
            });
        }
    }

    /// <returns>The metadata, input and output texts, each <see cref="DBNull"/> when no span has one.</returns>
    private (object Metadata, object Input, object Output) ReadTexts(TraceAggregate trace)
    {
        var metadata = OrNull(trace.Metadata?.Written?.MetadataJson);
        var input = OrNull(trace.Input?.WrittenText(input: true));
        var output = OrNull(trace.Output?.WrittenText(input: false));
        var storedMetadata = trace.Metadata is { Written: null } ? trace.Metadata : null;
        var storedInput = trace.Input is { Span.Written: null } ? trace.Input : null;
        var storedOutput = trace.Output is { Span.Written: null } ? trace.Output : null;
        if (storedMetadata is null && storedInput is null && storedOutput is null)
        {
            return (metadata, input, output);
        }

        var parameters = _selectTraceTexts.Parameters;
        parameters[0].Value = OrNull(storedMetadata?.RowId);
        parameters[1].Value = OrNull(storedInput?.Span.RowId);
        parameters[2].Value = storedInput?.FromTraceColumn ?? false;
        parameters[3].Value = OrNull(storedOutput?.Span.RowId);
        parameters[4].Value = storedOutput?.FromTraceColumn ?? false;
        using var reader = _selectTraceTexts.ExecuteReader();
        reader.Read();
        return (
            storedMetadata is null ? metadata : reader.GetValue(0),
            storedInput is null ? input : reader.GetValue(1),
            storedOutput is null ? output : reader.GetValue(2));
    }

    private SqliteCommand Create(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }
}
