using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// Keeps the rollups current for traces whose aggregate changed. For each trace it reads the aggregate and its
/// per-model usage, takes back what the trace last contributed and adds what it contributes now; the changes of
/// all traces in one call are summed in memory first, so a busy minute costs one row update, not one per trace.
/// </summary>
/// <remarks>Runs inside the caller's transaction on the caller's connection (the span writer's).</remarks>
public sealed class RollupMaintainer : IDisposable
{
    /// <summary>
    /// The model rollups store for model calls that named no model: empty, like an environment that was not named,
    /// so no real model id can be mistaken for it; shown as <see cref="MetricLabels.None"/>.
    /// </summary>
    public const string NoModel = "";

    private readonly SqliteCommand _readTrace;
    private readonly SqliteCommand _readModels;
    private readonly SqliteCommand _readState;
    private readonly SqliteCommand _writeState;
    private readonly SqliteCommand _deleteState;
    private readonly SqliteCommand _upsertRollup;
    private readonly SqliteCommand _readHistogram;
    private readonly SqliteCommand _upsertActor;
    private readonly SqliteCommand _upsertActorSlice;
    private readonly SqliteCommand[] _all;

    public RollupMaintainer(SqliteConnection connection)
    {
        _readTrace = Create(connection, RollupSql.ReadTrace, "$project", "$trace");
        _readModels = Create(connection, RollupSql.ReadModels, "$project", "$trace");
        _readState = Create(connection, RollupSql.ReadState, "$project", "$trace");
        _writeState = Create(connection, RollupSql.WriteState, "$project", "$trace", "$json");
        _deleteState = Create(connection, RollupSql.DeleteState, "$project", "$trace");
        _upsertRollup = Create(
            connection,
            RollupSql.UpsertRollup,
            "$project", "$resolution", "$bucket", "$environment", "$model", "$requests", "$errors", "$latency",
            "$input", "$output", "$cached", "$reasoning", "$total", "$cost", "$calls", "$unpriced", "$estimated",
            "$histogram", "$maxLatency", "$minLatency");
        _readHistogram = Create(
            connection,
            RollupSql.ReadHistogram,
            "$project", "$resolution", "$bucket", "$environment", "$model");
        _upsertActor = Create(
            connection,
            RollupSql.UpsertActor,
            "$project", "$bucket", "$kind", "$key", "$requests", "$errors", "$total", "$cost");
        _upsertActorSlice = Create(
            connection,
            RollupSql.UpsertActorSlice,
            "$project", "$kind", "$model", "$environment", "$bucket", "$key", "$requests", "$errors", "$total",
            "$cost");
        _all = [_readTrace, _readModels, _readState, _writeState, _deleteState, _upsertRollup, _readHistogram,
            _upsertActor, _upsertActorSlice];
    }

    /// <summary>
    /// Brings the rollups in line with the current aggregates of <paramref name="traces"/>, read from the store; a
    /// trace that no longer exists has its share taken back.
    /// </summary>
    /// <returns>How many traces changed what they contribute.</returns>
    public int Apply(SqliteTransaction transaction, IEnumerable<(string ProjectId, string TraceId)> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        return Apply(
            transaction,
            traces.Select(t => (t.ProjectId, t.TraceId, Read(transaction, t.ProjectId, t.TraceId))));
    }

    /// <summary>
    /// Brings the rollups in line with what each trace contributes now, as its writer derived it (null: the trace
    /// no longer exists). Only the share each trace last contributed is read.
    /// </summary>
    /// <returns>How many traces changed what they contribute.</returns>
    public int Apply(
        SqliteTransaction transaction,
        IEnumerable<(string ProjectId, string TraceId, TraceContribution? Current)> traces)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(traces);
        foreach (var command in _all)
        {
            command.Transaction = transaction;
        }

        var deltas = new RollupDeltas();
        var changed = 0;
        foreach (var (projectId, traceId, current) in traces)
        {
            var oldJson = ReadState(projectId, traceId);
            var newJson = current?.ToJson();
            if (string.Equals(oldJson, newJson, StringComparison.Ordinal))
            {
                continue;
            }

            if (TraceContribution.FromJson(oldJson) is { } old)
            {
                deltas.Add(projectId, old, -1);
            }

            if (current is not null)
            {
                deltas.Add(projectId, current, +1);
                Execute(_writeState, projectId, traceId, newJson);
            }
            else
            {
                Execute(_deleteState, projectId, traceId);
            }

            changed++;
        }

        Write(deltas);
        return changed;
    }

    /// <summary>What the trace contributes by its stored row and spans, in SQL; null when it does not exist.</summary>
    /// <param name="transaction">The connection's open transaction, if any.</param>
    /// <param name="projectId">The trace's project.</param>
    /// <param name="traceId">The trace.</param>
    public TraceContribution? Read(SqliteTransaction? transaction, string projectId, string traceId)
    {
        _readTrace.Transaction = transaction;
        _readModels.Transaction = transaction;
        _readTrace.Parameters[0].Value = projectId;
        _readTrace.Parameters[1].Value = traceId;
        long startNanos;
        string environment;
        string? userId;
        string? sessionId;
        bool error;
        double latencyMs;
        long input, output, cached, reasoning, total;
        double? cost;
        IReadOnlyList<string> traceModels;
        using (var reader = _readTrace.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            startNanos = reader.GetInt64(0);
            environment = reader.IsDBNull(1) ? "" : reader.GetString(1);
            userId = reader.IsDBNull(2) ? null : reader.GetString(2);
            sessionId = reader.IsDBNull(3) ? null : reader.GetString(3);
            error = reader.GetString(4) == Traces.SpanStatus.Error;
            latencyMs = reader.GetDouble(5);
            input = reader.GetInt64(6);
            output = reader.GetInt64(7);
            cached = reader.GetInt64(8);
            reasoning = reader.GetInt64(9);
            total = reader.GetInt64(10);
            cost = reader.IsDBNull(11) ? null : reader.GetDouble(11);
            traceModels = TraceContribution.SplitModels(reader.IsDBNull(12) ? null : reader.GetString(12));
        }

        var models = new List<ModelShare>();
        long calls = 0, unpriced = 0, estimated = 0;
        _readModels.Parameters[0].Value = projectId;
        _readModels.Parameters[1].Value = traceId;
        using (var reader = _readModels.ExecuteReader())
        {
            while (reader.Read())
            {
                var share = new UsageShare(
                    Calls: Long(reader, 1),
                    InputTokens: Long(reader, 2),
                    OutputTokens: Long(reader, 3),
                    CachedTokens: Long(reader, 4),
                    ReasoningTokens: Long(reader, 5),
                    TotalTokens: Long(reader, 6),
                    CostNanoUsd: Long(reader, 7),
                    UnpricedCalls: Long(reader, 8),
                    EstimatedCalls: Long(reader, 9));
                var model = reader.IsDBNull(0) ? NoModel : reader.GetString(0);
                models.Add(new ModelShare(model, share));
                calls += share.Calls;
                unpriced += share.UnpricedCalls;
                estimated += share.EstimatedCalls;
            }
        }

        var totals = new UsageShare(
            calls, input, output, cached, reasoning, total, TraceContribution.ToNanoUsd(cost), unpriced, estimated);
        return new TraceContribution(
            StartUnixSeconds: Math.DivRem(startNanos, 1_000_000_000, out var rest) - (rest < 0 ? 1 : 0),
            environment,
            userId,
            sessionId,
            error,
            (long)Math.Round(latencyMs * 1000),
            totals,
            models,
            traceModels);
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

    private static long Long(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);

    private string? ReadState(string projectId, string traceId)
    {
        _readState.Parameters[0].Value = projectId;
        _readState.Parameters[1].Value = traceId;
        return _readState.ExecuteScalar() as string;
    }

    private void Write(RollupDeltas deltas)
    {
        foreach (var (key, delta) in deltas.Rollups)
        {
            if (delta.IsZero)
            {
                continue;
            }

            // The histogram is one text column: read, add the change, write it back with the sums.
            var parameters = _readHistogram.Parameters;
            parameters[0].Value = key.ProjectId;
            parameters[1].Value = key.Resolution;
            parameters[2].Value = key.BucketStart;
            parameters[3].Value = key.Environment;
            parameters[4].Value = key.Model;
            var bins = (long[])delta.Bins.Clone();
            LatencyBins.AddEncoded(_readHistogram.ExecuteScalar() as string, bins);

            Execute(
                _upsertRollup,
                key.ProjectId, key.Resolution, key.BucketStart, key.Environment, key.Model, delta.Requests,
                delta.Errors, delta.LatencySumMicros, delta.Usage[0], delta.Usage[1], delta.Usage[2], delta.Usage[3],
                delta.Usage[4], delta.Usage[5], delta.Usage[6], delta.Usage[7], delta.Usage[8],
                LatencyBins.Encode(bins), delta.MaxLatencyMicros, delta.MinLatencyMicros);
        }

        foreach (var (key, delta) in deltas.ActorSlices)
        {
            if (delta.Requests != 0 || delta.Errors != 0 || delta.TotalTokens != 0 || delta.CostNanoUsd != 0)
            {
                Execute(
                    _upsertActorSlice,
                    key.ProjectId, key.Kind, key.Model, key.Environment, key.BucketStart, key.Key, delta.Requests,
                    delta.Errors, delta.TotalTokens, delta.CostNanoUsd);
            }
        }

        foreach (var (key, delta) in deltas.Actors)
        {
            if (delta.Requests != 0 || delta.Errors != 0 || delta.TotalTokens != 0 || delta.CostNanoUsd != 0)
            {
                Execute(
                    _upsertActor,
                    key.ProjectId, key.BucketStart, key.Kind, key.Key, delta.Requests, delta.Errors,
                    delta.TotalTokens, delta.CostNanoUsd);
            }
        }
    }
}
