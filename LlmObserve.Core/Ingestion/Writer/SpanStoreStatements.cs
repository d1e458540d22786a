using LlmObserve.Core.Feedback;
using LlmObserve.Core.Metrics;
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
    private readonly TraceRowCommands _traceRows;
    private readonly SqliteCommand _insertScore;
    private readonly SqliteCommand _insertFeedback;
    private bool _scorePrepared;
    private bool _feedbackPrepared;

    public SpanStoreStatements(SqliteConnection connection)
    {
        _connection = connection;

        _insertSpan = new SpanInsertCommands(connection);

        _lastSpanRowId = Create(WriterSql.LastSpanRowId);
        _traceRows = new TraceRowCommands(connection);
        _insertScore = Create(
            WriterSql.InsertScore,
            "$project", "$trace", "$span", "$name", "$value", "$label", "$explanation", "$source", "$evaluator",
            "$evaluatorVersion", "$createdAt", "$clientId");
        _insertFeedback = Create(
            WriterSql.InsertFeedback,
            "$project", "$trace", "$request", "$kind", "$value", "$comment", "$user", "$createdAt", "$clientId");
    }

    /// <summary>Binds every command to the transaction about to run; Microsoft.Data.Sqlite insists on it.</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _lastSpanRowId.Transaction = transaction;
        _traceRows.Enlist(transaction);
        _insertScore.Transaction = transaction;
        _insertFeedback.Transaction = transaction;
    }

    /// <returns>True when the span was inserted, false when it was stored before.</returns>
    public bool InsertSpan(string projectId, SpanEntity span, long ingestedAtUnixNano)
        => _insertSpan.Insert(projectId, span, ingestedAtUnixNano);

    /// <summary>The highest span row id so far: call before a transaction's inserts to tell its spans apart.</summary>
    public long LastSpanRowId() => (long)_lastSpanRowId.ExecuteScalar()!;

    /// <inheritdoc cref="TraceRowCommands.Write"/>
    public TraceContribution? UpsertTrace(
        string projectId,
        string traceId,
        IReadOnlyList<SpanEntity> written,
        long storedBefore,
        long nowUnixNano)
        => _traceRows.Write(projectId, traceId, written, storedBefore, nowUnixNano);

    /// <returns>True when the score was inserted, false when the project holds one under its client id.</returns>
    public bool InsertScore(string projectId, Score score, DateTimeOffset now)
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
        parameters[11].Value = score.ClientId ?? (object)DBNull.Value;

        Prepare(_insertScore, ref _scorePrepared);
        return _insertScore.ExecuteNonQuery() == 1;
    }

    /// <returns>True when the entry was inserted, false when the project holds one under its client id.</returns>
    public bool InsertFeedback(string projectId, FeedbackEntry feedback, DateTimeOffset now)
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
        parameters[8].Value = feedback.ClientId ?? (object)DBNull.Value;

        Prepare(_insertFeedback, ref _feedbackPrepared);
        return _insertFeedback.ExecuteNonQuery() == 1;
    }

    public void Dispose()
    {
        _insertSpan.Dispose();
        _lastSpanRowId.Dispose();
        _traceRows.Dispose();
        _insertScore.Dispose();
        _insertFeedback.Dispose();
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
