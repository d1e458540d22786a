using System.Text.Json;
using LlmObserve.Core.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Scores;

/// <summary>
/// Keeps the score aggregates current: per trace and name (<see cref="TraceScoreSummary"/>, which the trace list
/// filters, sorts and shows) and per minute and hour (<see cref="ScoreRollup"/>, which the Quality page reads). For
/// each trace it reads the trace and all its scores, recomputes both, takes back what the trace last added to the
/// rollups and adds what it adds now, so the result is exact whatever order scores and spans arrive in, and doing it
/// twice changes nothing.
/// </summary>
/// <remarks>
/// <para>
/// Which traces are due is kept in the store: triggers list a trace in <c>ScoreRollupPending</c>, inside the very
/// transaction that inserted, changed or deleted one of its scores, or changed its start, environment, release or
/// models. Any path that writes scores (the span writer, an evaluation job through EF Core, plain SQL) is therefore
/// counted, and a crash before the aggregates caught up loses nothing.
/// </para>
/// <para>
/// The span writer calls <see cref="ApplyListed"/> inside each commit for the traces that commit touched, so scores
/// it acknowledges are already in the aggregates, and <see cref="ApplyPending"/> while idle for whatever other paths
/// listed. Runs on the caller's connection and transaction.
/// </para>
/// </remarks>
public sealed class ScoreAggregateMaintainer : IDisposable
{
    private static readonly ValueConverter<DateTimeOffset, long> DateConverter =
        new DateTimeOffsetToBinaryConverter();

    private readonly SqliteCommand _readTrace;
    private readonly SqliteCommand _readScores;
    private readonly SqliteCommand _deleteSummaries;
    private readonly SqliteCommand _insertSummary;
    private readonly SqliteCommand _readState;
    private readonly SqliteCommand _writeState;
    private readonly SqliteCommand _deleteState;
    private readonly SqliteCommand _upsertRollup;
    private readonly SqliteCommand _deleteEmptyRollup;
    private readonly SqliteCommand _takeListed;
    private readonly SqliteCommand _readListed;
    private readonly SqliteCommand _hasListed;
    private readonly SqliteCommand[] _all;

    public ScoreAggregateMaintainer(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _readTrace = Create(connection, ScoreAggregateSql.ReadTrace, "$project", "$trace");
        _readScores = Create(connection, ScoreAggregateSql.ReadScores, "$project", "$trace");
        _deleteSummaries = Create(connection, ScoreAggregateSql.DeleteSummaries, "$project", "$trace");
        _insertSummary = Create(
            connection,
            ScoreAggregateSql.InsertSummary,
            "$project", "$trace", "$name", "$row", "$count", "$valueCount", "$mean", "$labels");
        _readState = Create(connection, ScoreAggregateSql.ReadState, "$project", "$trace");
        _writeState = Create(connection, ScoreAggregateSql.WriteState, "$project", "$trace", "$json");
        _deleteState = Create(connection, ScoreAggregateSql.DeleteState, "$project", "$trace");
        string[] rollupKey =
            ["$project", "$resolution", "$bucket", "$name", "$environment", "$release", "$model", "$label"];
        _upsertRollup = Create(
            connection,
            ScoreAggregateSql.UpsertRollup,
            [.. rollupKey, "$count", "$valueCount", "$valueSum"]);
        _deleteEmptyRollup = Create(connection, ScoreAggregateSql.DeleteEmptyRollup, rollupKey);
        _takeListed = Create(connection, ScoreAggregateSql.TakeListed, "$project", "$trace");
        _readListed = Create(connection, ScoreAggregateSql.ReadListed, "$limit");
        _hasListed = Create(connection, ScoreAggregateSql.HasListed);
        _all =
        [
            _readTrace, _readScores, _deleteSummaries, _insertSummary, _readState, _writeState, _deleteState,
            _upsertRollup, _deleteEmptyRollup, _takeListed, _readListed, _hasListed,
        ];
    }

    /// <summary>True when some trace waits for its score aggregates; a read outside any transaction.</summary>
    public bool HasPending()
    {
        foreach (var command in _all)
        {
            command.Transaction = null;
        }

        return Convert.ToInt64(_hasListed.ExecuteScalar(), null) != 0;
    }

    /// <summary>
    /// Brings the aggregates up to date for those of <paramref name="traces"/> that are listed as due, and takes
    /// them off the list; the others are left alone (a trace with no scores costs one lookup).
    /// </summary>
    /// <returns>The traces recomputed.</returns>
    public IReadOnlyList<(string ProjectId, string TraceId)> ApplyListed(
        SqliteTransaction transaction,
        IEnumerable<(string ProjectId, string TraceId)> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        Enlist(transaction);

        // Most commits carry spans of unscored traces only: one look at the list spares a lookup per trace.
        if (Convert.ToInt64(_hasListed.ExecuteScalar(), null) == 0)
        {
            return [];
        }

        var due = new List<(string, string)>();
        foreach (var (projectId, traceId) in traces.Distinct())
        {
            _takeListed.Parameters[0].Value = projectId;
            _takeListed.Parameters[1].Value = traceId;
            if (_takeListed.ExecuteNonQuery() > 0)
            {
                due.Add((projectId, traceId));
            }
        }

        Recompute(due);
        return due;
    }

    /// <summary>
    /// Brings up to <paramref name="limit"/> of the listed traces up to date and takes them off the list.
    /// </summary>
    /// <returns>The traces recomputed; fewer than <paramref name="limit"/> means none is left.</returns>
    public IReadOnlyList<(string ProjectId, string TraceId)> ApplyPending(SqliteTransaction transaction, int limit)
    {
        Enlist(transaction);
        var listed = new List<(string, string)>();
        _readListed.Parameters[0].Value = Math.Max(1, limit);
        using (var reader = _readListed.ExecuteReader())
        {
            while (reader.Read())
            {
                listed.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return ApplyListed(transaction, listed);
    }

    /// <summary>Recomputes <paramref name="traces"/> whether listed or not (a rebuild, or a test).</summary>
    public void Apply(SqliteTransaction transaction, IEnumerable<(string ProjectId, string TraceId)> traces)
    {
        Enlist(transaction);
        Recompute(traces.Distinct());
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Execute(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private static string[] SplitModels(string? models)
        => string.IsNullOrEmpty(models)
            ? []
            : [.. models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)];

    private void Enlist(SqliteTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        foreach (var command in _all)
        {
            command.Transaction = transaction;
        }
    }

    private void Recompute(IEnumerable<(string ProjectId, string TraceId)> traces)
    {
        var deltas = new Dictionary<RollupKey, (long Count, long ValueCount, double ValueSum)>();
        foreach (var (projectId, traceId) in traces)
        {
            var trace = ReadTrace(projectId, traceId);
            var scores = ReadScores(projectId, traceId);
            WriteSummaries(projectId, traceId, trace, scores);

            var current = ScoreContribution.Compute(trace, scores);
            var oldJson = ReadState(projectId, traceId);
            var newJson = current?.ToJson();
            if (string.Equals(oldJson, newJson, StringComparison.Ordinal))
            {
                continue;
            }

            if (ScoreContribution.FromJson(oldJson) is { } old)
            {
                AddDeltas(deltas, projectId, old, -1);
            }

            if (current is not null)
            {
                AddDeltas(deltas, projectId, current, +1);
                Execute(_writeState, projectId, traceId, newJson);
            }
            else
            {
                Execute(_deleteState, projectId, traceId);
            }
        }

        foreach (var (key, delta) in deltas)
        {
            if (delta is { Count: 0, ValueCount: 0 })
            {
                continue;
            }

            object?[] keyValues =
            [
                key.ProjectId, key.Resolution, key.Bucket, key.Name, key.Environment, key.Release, key.Model,
                key.Label,
            ];
            Execute(_upsertRollup, [.. keyValues, delta.Count, delta.ValueCount, delta.ValueSum]);
            if (delta.Count < 0)
            {
                Execute(_deleteEmptyRollup, keyValues);
            }
        }
    }

    private static void AddDeltas(
        Dictionary<RollupKey, (long Count, long ValueCount, double ValueSum)> deltas,
        string projectId,
        ScoreContribution contribution,
        int sign)
    {
        // A trace that called no named model still shows under a model split, as the empty model ("(none)").
        string[] models = contribution.Models.Count == 0 ? [""] : [.. contribution.Models];
        foreach (var share in contribution.Shares)
        {
            foreach (var resolution in (ReadOnlySpan<int>)[RollupResolution.Minute, RollupResolution.Hour])
            {
                var bucket = RollupResolution.BucketOf(share.Minute, resolution);
                foreach (var model in (string[])[MetricRollup.AllModels, .. models])
                {
                    var key = new RollupKey(
                        projectId,
                        resolution,
                        bucket,
                        share.Name,
                        contribution.Environment,
                        contribution.Release,
                        model,
                        share.Label);
                    deltas.TryGetValue(key, out var sums);
                    deltas[key] = (
                        sums.Count + (sign * share.Count),
                        sums.ValueCount + (sign * share.ValueCount),
                        sums.ValueSum + (sign * share.ValueSum));
                }
            }
        }
    }

    private ScoredTrace? ReadTrace(string projectId, string traceId)
    {
        _readTrace.Parameters[0].Value = projectId;
        _readTrace.Parameters[1].Value = traceId;
        using var reader = _readTrace.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var startNanos = reader.GetInt64(1);
        return new ScoredTrace(
            reader.GetInt64(0),
            Math.DivRem(startNanos, 1_000_000_000, out var rest) - (rest < 0 ? 1 : 0),
            reader.IsDBNull(2) ? "" : reader.GetString(2),
            reader.IsDBNull(3) ? "" : reader.GetString(3),
            SplitModels(reader.IsDBNull(4) ? null : reader.GetString(4)));
    }

    private List<ScoreFact> ReadScores(string projectId, string traceId)
    {
        _readScores.Parameters[0].Value = projectId;
        _readScores.Parameters[1].Value = traceId;
        var scores = new List<ScoreFact>();
        using var reader = _readScores.ExecuteReader();
        while (reader.Read())
        {
            // The span writer and the native API keep values finite; a writer that did not gets its value ignored
            // rather than a mean of NaN.
            double? value = reader.IsDBNull(1) ? null : reader.GetDouble(1);
            scores.Add(new ScoreFact(
                reader.GetString(0),
                value is { } v && double.IsFinite(v) ? v : null,
                reader.IsDBNull(2) ? null : reader.GetString(2),
                DateConverter.ConvertFromProvider(reader.GetInt64(3)) is DateTimeOffset created
                    ? created.ToUnixTimeSeconds()
                    : 0));
        }

        return scores;
    }

    private void WriteSummaries(string projectId, string traceId, ScoredTrace? trace, List<ScoreFact> scores)
    {
        Execute(_deleteSummaries, projectId, traceId);
        foreach (var byName in scores.GroupBy(s => s.Name, StringComparer.Ordinal))
        {
            var values = byName.Where(s => s.Value is not null).Select(s => s.Value!.Value).ToList();
            var labels = byName
                .Select(s => s.Label)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
            Execute(
                _insertSummary,
                projectId,
                traceId,
                byName.Key,
                trace?.RowId,
                byName.Count(),
                values.Count,
                values.Count > 0 ? values.Sum() / values.Count : null,
                labels.Length > 0
                    ? JsonSerializer.Serialize(labels, ScoreContributionJsonContext.Default.StringArray)
                    : null);
        }
    }

    private string? ReadState(string projectId, string traceId)
    {
        _readState.Parameters[0].Value = projectId;
        _readState.Parameters[1].Value = traceId;
        return _readState.ExecuteScalar() as string;
    }

    private readonly record struct RollupKey(
        string ProjectId,
        int Resolution,
        long Bucket,
        string Name,
        string Environment,
        string Release,
        string Model,
        string Label);
}
