using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// The writer's prepared commands on its one connection. Each is compiled once and re-bound per row; a command is
/// prepared on first use, so a table that is never written to costs nothing at start.
/// </summary>
internal sealed class SpanStoreStatements : IDisposable
{
    // The same conversion EF applies to every DateTimeOffset of the model (see LlmObserveDbContext).
    private static readonly DateTimeOffsetToBinaryConverter DateConverter = new();

    private readonly SqliteConnection _connection;
    private readonly SpanInsertCommands _insertSpan;
    private readonly SqliteCommand _lastSpanRowId;
    private readonly SqliteCommand _selectSpanFacts;
    private readonly SqliteCommand _selectTraceTexts;
    private readonly SqliteCommand _upsertTrace;
    private readonly SqliteCommand _insertScore;
    private readonly SqliteCommand _insertFeedback;
    private readonly List<SpanFacts> _facts = [];
    private bool _tracePrepared;
    private bool _scorePrepared;
    private bool _feedbackPrepared;

    public SpanStoreStatements(SqliteConnection connection)
    {
        _connection = connection;

        _insertSpan = new SpanInsertCommands(connection);

        _lastSpanRowId = Create(WriterSql.LastSpanRowId);
        _selectSpanFacts = Create(WriterSql.SelectSpanFacts, "$project", "$trace", "$storedBefore");
        _selectTraceTexts = Create(
            WriterSql.SelectTraceTexts,
            "$metadata", "$input", "$inputFromTrace", "$output", "$outputFromTrace");
        _upsertTrace = Create(WriterSql.UpsertTrace, [.. WriterSql.TraceColumns.Select(c => "$" + c)]);
        _insertScore = Create(
            WriterSql.InsertScore,
            "$project", "$trace", "$span", "$name", "$value", "$label", "$explanation", "$source", "$evaluator",
            "$evaluatorVersion", "$createdAt");
        _insertFeedback = Create(
            WriterSql.InsertFeedback,
            "$project", "$trace", "$request", "$kind", "$value", "$comment", "$user", "$createdAt");
    }

    /// <summary>Binds every command to the transaction about to run; Microsoft.Data.Sqlite insists on it.</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _insertSpan.Enlist(transaction);
        _lastSpanRowId.Transaction = transaction;
        _selectSpanFacts.Transaction = transaction;
        _selectTraceTexts.Transaction = transaction;
        _upsertTrace.Transaction = transaction;
        _insertScore.Transaction = transaction;
        _insertFeedback.Transaction = transaction;
    }

    /// <returns>True when the span was inserted, false when it was stored before.</returns>
    public bool InsertSpan(string projectId, SpanEntity span, long ingestedAtUnixNano)
        => _insertSpan.Insert(projectId, span, ingestedAtUnixNano);

    /// <summary>The highest span row id so far: call before a transaction's inserts to tell its spans apart.</summary>
    public long LastSpanRowId() => (long)_lastSpanRowId.ExecuteScalar()!;

    /// <summary>
    /// Recomputes one trace from all of its spans and inserts or replaces its row (<see cref="TraceAggregate"/>).
    /// The spans <paramref name="written"/> by the running transaction are taken from memory; only those stored
    /// before (row id at most <paramref name="storedBefore"/>) are read, and of their large texts only those that
    /// win. A trace that arrives whole in one transaction thus costs no read at all.
    /// </summary>
    /// <param name="projectId">The trace's project.</param>
    /// <param name="traceId">The trace.</param>
    /// <param name="written">The trace's spans inserted by the running transaction, in insertion order.</param>
    /// <param name="storedBefore">The highest span row id before the running transaction's inserts.</param>
    /// <param name="nowUnixNano">When the trace is updated.</param>
    /// <exception cref="OverflowException">A token sum of the trace does not fit in 64 bits.</exception>
    public void UpsertTrace(
        string projectId,
        string traceId,
        IReadOnlyList<SpanEntity> written,
        long storedBefore,
        long nowUnixNano)
    {
        if (!_tracePrepared)
        {
            _selectSpanFacts.Prepare();
            _selectTraceTexts.Prepare();
            _upsertTrace.Prepare();
            _tracePrepared = true;
        }

        ReadSpanFacts(projectId, traceId, storedBefore);
        for (var i = 0; i < written.Count; i++)
        {
            _facts.Add(SpanFacts.Of(written[i], storedBefore + 1 + i));
        }

        if (_facts.Count == 0)
        {
            return;
        }

        var trace = TraceAggregate.Compute(_facts);
        var (metadata, input, output) = ReadTexts(trace);

        var values = _upsertTrace.Parameters;
        values[0].Value = projectId;
        values[1].Value = traceId;
        values[2].Value = trace.Name ?? (object)DBNull.Value;
        values[3].Value = trace.SessionId ?? (object)DBNull.Value;
        values[4].Value = trace.UserId ?? (object)DBNull.Value;
        values[5].Value = trace.Environment ?? (object)DBNull.Value;
        values[6].Value = trace.Release ?? (object)DBNull.Value;
        values[7].Value = trace.Version ?? (object)DBNull.Value;
        values[8].Value = trace.TagsJson ?? (object)DBNull.Value;
        values[9].Value = metadata;
        values[10].Value = trace.StartTimeUnixNano;
        values[11].Value = trace.EndTimeUnixNano;
        values[12].Value = trace.LatencyMs;
        values[13].Value = trace.Status;
        values[14].Value = input;
        values[15].Value = output;
        values[16].Value = trace.Models ?? (object)DBNull.Value;
        values[17].Value = trace.InputTokens;
        values[18].Value = trace.OutputTokens;
        values[19].Value = trace.CachedTokens;
        values[20].Value = trace.ReasoningTokens;
        values[21].Value = trace.TotalTokens;
        values[22].Value = trace.Cost ?? (object)DBNull.Value;
        values[23].Value = trace.SpanCount;
        values[24].Value = trace.ErrorCount;
        values[25].Value = trace.RootMissing;
        values[26].Value = nowUnixNano;
        _upsertTrace.ExecuteNonQuery();
    }

    public void InsertScore(string projectId, Score score, DateTimeOffset now)
    {
        var parameters = _insertScore.Parameters;
        parameters[0].Value = projectId;
        parameters[1].Value = score.TraceId;
        parameters[2].Value = score.SpanId ?? (object)DBNull.Value;
        parameters[3].Value = score.Name;
        parameters[4].Value = score.Value ?? (object)DBNull.Value;
        parameters[5].Value = score.Label ?? (object)DBNull.Value;
        parameters[6].Value = score.Explanation ?? (object)DBNull.Value;
        parameters[7].Value = score.Source;
        parameters[8].Value = score.EvaluatorId ?? (object)DBNull.Value;
        parameters[9].Value = score.EvaluatorVersion ?? (object)DBNull.Value;
        parameters[10].Value = ToStore(score.CreatedAt == default ? now : score.CreatedAt);

        Prepare(_insertScore, ref _scorePrepared);
        _insertScore.ExecuteNonQuery();
    }

    public void InsertFeedback(string projectId, FeedbackEntry feedback, DateTimeOffset now)
    {
        var parameters = _insertFeedback.Parameters;
        parameters[0].Value = projectId;
        parameters[1].Value = feedback.TraceId ?? (object)DBNull.Value;
        parameters[2].Value = feedback.RequestId ?? (object)DBNull.Value;
        parameters[3].Value = feedback.Kind;
        parameters[4].Value = feedback.Value ?? (object)DBNull.Value;
        parameters[5].Value = feedback.Comment ?? (object)DBNull.Value;
        parameters[6].Value = feedback.UserId ?? (object)DBNull.Value;
        parameters[7].Value = ToStore(feedback.CreatedAt == default ? now : feedback.CreatedAt);

        Prepare(_insertFeedback, ref _feedbackPrepared);
        _insertFeedback.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insertSpan.Dispose();
        _lastSpanRowId.Dispose();
        _selectSpanFacts.Dispose();
        _selectTraceTexts.Dispose();
        _upsertTrace.Dispose();
        _insertScore.Dispose();
        _insertFeedback.Dispose();
    }

    private static long? NullableInt64(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private void ReadSpanFacts(string projectId, string traceId, long storedBefore)
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
                IsParentless = reader.GetBoolean(1),
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
            });
        }
    }

    /// <returns>The metadata, input and output texts, each <see cref="DBNull"/> when no span has one.</returns>
    private (object Metadata, object Input, object Output) ReadTexts(TraceAggregate trace)
    {
        object metadata = trace.Metadata?.Written?.MetadataJson ?? (object)DBNull.Value;
        object input = trace.Input?.WrittenText(input: true) ?? (object)DBNull.Value;
        object output = trace.Output?.WrittenText(input: false) ?? (object)DBNull.Value;
        var storedMetadata = trace.Metadata is { Written: null } ? trace.Metadata : null;
        var storedInput = trace.Input is { Span.Written: null } ? trace.Input : null;
        var storedOutput = trace.Output is { Span.Written: null } ? trace.Output : null;
        if (storedMetadata is null && storedInput is null && storedOutput is null)
        {
            return (metadata, input, output);
        }

        var parameters = _selectTraceTexts.Parameters;
        parameters[0].Value = storedMetadata?.RowId ?? (object)DBNull.Value;
        parameters[1].Value = storedInput?.Span.RowId ?? (object)DBNull.Value;
        parameters[2].Value = storedInput?.FromTraceColumn ?? false;
        parameters[3].Value = storedOutput?.Span.RowId ?? (object)DBNull.Value;
        parameters[4].Value = storedOutput?.FromTraceColumn ?? false;
        using var reader = _selectTraceTexts.ExecuteReader();
        reader.Read();
        return (
            storedMetadata is null ? metadata : reader.GetValue(0),
            storedInput is null ? input : reader.GetValue(1),
            storedOutput is null ? output : reader.GetValue(2));
    }

    private static object ToStore(DateTimeOffset value) => DateConverter.ConvertToProvider(value)!;

    private static void Prepare(SqliteCommand command, ref bool prepared)
    {
        if (!prepared)
        {
            command.Prepare();
            prepared = true;
        }
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
