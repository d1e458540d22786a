namespace LlmObserve.Core.Metrics;

/// <summary>Identifies one rollup series row: project, resolution, bucket, environment and model.</summary>
internal readonly record struct RollupKey(
    string ProjectId,
    int Resolution,
    long BucketStart,
    string Environment,
    string Model);

internal readonly record struct ActorKey(string ProjectId, long BucketStart, string Kind, string Key);

internal readonly record struct ActorSliceKey(
    string ProjectId,
    string Kind,
    string Model,
    string Environment,
    long BucketStart,
    string Key);

/// <summary>The changes to rollup rows that a set of trace contributions makes, summed before writing.</summary>
internal sealed class RollupDeltas
{
    public Dictionary<RollupKey, RollupDelta> Rollups { get; } = [];

    public Dictionary<ActorKey, ActorDelta> Actors { get; } = [];

    public Dictionary<ActorSliceKey, ActorDelta> ActorSlices { get; } = [];

    /// <summary>Adds (<paramref name="sign"/> +1) or takes back (−1) what one trace contributes.</summary>
    public void Add(string projectId, TraceContribution contribution, int sign)
    {
        var bin = LatencyBins.BinOf(contribution.LatencyMicros / 1000.0);
        var errors = contribution.Error ? 1 : 0;
        foreach (var resolution in RollupResolution.All)
        {
            var bucket = RollupResolution.BucketOf(contribution.StartUnixSeconds, resolution);
            var all = new RollupKey(projectId, resolution, bucket, contribution.Environment, MetricRollup.AllModels);
            AddSeries(all, bin, errors, contribution.LatencyMicros, contribution.Totals, sign);
            foreach (var model in contribution.Models)
            {
                AddSeries(all with { Model = model.Model }, bin, errors, contribution.LatencyMicros, model.Usage, sign);
            }
        }

        var day = RollupResolution.BucketOf(contribution.StartUnixSeconds, RollupResolution.Day);
        foreach (var (kind, key) in (ReadOnlySpan<(string, string?)>)
            [(ActorRollup.UserKind, contribution.UserId), (ActorRollup.SessionKind, contribution.SessionId)])
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            AddActor(Actors, new ActorKey(projectId, day, kind, key), contribution, sign);
            var slice = new ActorSliceKey(projectId, kind, MetricRollup.AllModels, contribution.Environment, day, key);
            AddActor(ActorSlices, slice, contribution, sign);
            foreach (var model in contribution.SliceModels())
            {
                AddActor(ActorSlices, slice with { Model = model }, contribution, sign);
            }
        }
    }

    private void AddSeries(RollupKey key, int bin, int errors, long latencyMicros, UsageShare usage, int sign)
    {
        if (!Rollups.TryGetValue(key, out var delta))
        {
            Rollups[key] = delta = new RollupDelta();
        }

        delta.Requests += sign;
        delta.Errors += sign * errors;
        delta.LatencySumMicros += sign * latencyMicros;
        delta.Usage[0] += sign * usage.InputTokens;
        delta.Usage[1] += sign * usage.OutputTokens;
        delta.Usage[2] += sign * usage.CachedTokens;
        delta.Usage[3] += sign * usage.ReasoningTokens;
        delta.Usage[4] += sign * usage.TotalTokens;
        delta.Usage[5] += sign * usage.CostNanoUsd;
        delta.Usage[6] += sign * usage.Calls;
        delta.Usage[7] += sign * usage.UnpricedCalls;
        delta.Usage[8] += sign * usage.EstimatedCalls;
        delta.Bins[bin] += sign;
        if (sign > 0)
        {
            delta.MaxLatencyMicros = Math.Max(delta.MaxLatencyMicros ?? long.MinValue, latencyMicros);
            delta.MinLatencyMicros = Math.Min(delta.MinLatencyMicros ?? long.MaxValue, latencyMicros);
        }
    }

    private static void AddActor<TKey>(
        Dictionary<TKey, ActorDelta> deltas,
        TKey key,
        TraceContribution contribution,
        int sign)
        where TKey : notnull
    {
        if (!deltas.TryGetValue(key, out var delta))
        {
            deltas[key] = delta = new ActorDelta();
        }

        delta.Requests += sign;
        delta.Errors += sign * (contribution.Error ? 1 : 0);
        delta.TotalTokens += sign * contribution.Totals.TotalTokens;
        delta.CostNanoUsd += sign * contribution.Totals.CostNanoUsd;
    }
}

/// <summary>Change to one rollup row; <see cref="Usage"/> follows <c>RollupSql.UpsertRollup</c>'s columns.</summary>
internal sealed class RollupDelta
{
    public long Requests { get; set; }

    public long Errors { get; set; }

    public long LatencySumMicros { get; set; }

    /// <summary>Input, output, cached, reasoning and total tokens, cost, calls, unpriced and estimated calls.</summary>
    public long[] Usage { get; } = new long[9];

    /// <summary>Change per <see cref="LatencyBins"/> bin.</summary>
    public long[] Bins { get; } = new long[LatencyBins.Count];

    /// <summary>The longest and shortest latency added (takings back leave the row's extremes alone).</summary>
    public long? MaxLatencyMicros { get; set; }

    public long? MinLatencyMicros { get; set; }

    public bool IsZero
        => Requests == 0 && Errors == 0 && LatencySumMicros == 0 && Usage.All(v => v == 0) && Bins.All(v => v == 0);
}

internal sealed class ActorDelta
{
    public long Requests { get; set; }

    public long Errors { get; set; }

    public long TotalTokens { get; set; }

    public long CostNanoUsd { get; set; }
}
