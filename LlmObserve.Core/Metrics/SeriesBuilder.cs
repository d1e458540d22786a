namespace LlmObserve.Core.Metrics;

/// <summary>Gathers rollup rows into the timeline's series: total, per environment and per model.</summary>
/// <remarks>
/// With <paramref name="modelFiltered"/> the rows are one model's, and they make the total and environment series
/// too. Environments and models that were not named are keyed <see cref="MetricLabels.None"/>.
/// </remarks>
internal sealed class SeriesBuilder(int bucketCount, bool modelFiltered = false)
{
    // Positions in a row of sums (OverviewSql.Timeline's order).
    private const int CostColumn = 8;
    private const int CallsColumn = 9;
    private const int UnpricedColumn = 10;

    private readonly Accumulator _total = new(bucketCount);
    private readonly SortedDictionary<string, Accumulator> _environments = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Accumulator> _models = new(StringComparer.Ordinal);

    /// <summary>Adds a row of sums, in <see cref="OverviewSql.Timeline"/>'s order, to its series.</summary>
    public void AddSums(int bucket, string environment, string model, long[] sums)
    {
        if (bucket < 0 || bucket >= bucketCount)
        {
            return;
        }

        foreach (var accumulator in Targets(environment, model))
        {
            var into = accumulator.Sums[bucket];
            for (var i = 0; i < sums.Length; i++)
            {
                into[i] += sums[i];
            }
        }
    }

    /// <summary>Adds an encoded latency histogram (<see cref="LatencyBins.Encode"/>) to its series.</summary>
    public void AddHistogram(int bucket, string environment, string model, string encoded)
    {
        if (bucket < 0 || bucket >= bucketCount)
        {
            return;
        }

        foreach (var accumulator in Targets(environment, model))
        {
            LatencyBins.AddEncoded(encoded, accumulator.Latency[bucket]);
        }
    }

    /// <summary>
    /// Adds a rollup row's longest and shortest latency (null when the row does not keep them) to its series, so
    /// their percentiles stay within what was seen.
    /// </summary>
    public void AddExtremes(int bucket, string environment, string model, long? maxMicros, long? minMicros)
    {
        if (bucket < 0 || bucket >= bucketCount)
        {
            return;
        }

        foreach (var accumulator in Targets(environment, model))
        {
            accumulator.Extremes[bucket] = accumulator.Extremes[bucket].With(maxMicros, minMicros);
        }
    }

    public OverviewTimeline Build(
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        IReadOnlyList<DateTimeOffset> buckets)
    {
        var unpriced = _models
            .Where(m => m.Key != MetricLabels.None && m.Value.Sums.Any(s => s[UnpricedColumn] > 0))
            .Select(m => m.Key)
            .ToArray();
        var unnamedUnpriced = _models.TryGetValue(MetricLabels.None, out var unnamed)
            ? unnamed.Sums.Sum(s => s[UnpricedColumn])
            : 0;
        return new OverviewTimeline(
            from,
            to,
            step,
            buckets,
            _total.ToSeries("all"),
            [.. _environments.Select(e => e.Value.ToSeries(e.Key))],
            [
                .. _models.OrderByDescending(m => m.Value.TotalCost)
                    .ThenBy(m => m.Key)
                    .Select(m => m.Value.ToSeries(m.Key)),
            ],
            unpriced,
            unnamedUnpriced);
    }

    private IEnumerable<Accumulator> Targets(string environment, string model)
    {
        if (model == MetricRollup.AllModels || modelFiltered)
        {
            yield return _total;
            yield return Get(_environments, MetricLabels.Environment(environment));
        }

        if (model != MetricRollup.AllModels)
        {
            yield return Get(_models, MetricLabels.Model(model));
        }
    }

    private Accumulator Get(SortedDictionary<string, Accumulator> map, string key)
    {
        if (!map.TryGetValue(key, out var accumulator))
        {
            map[key] = accumulator = new Accumulator(bucketCount);
        }

        return accumulator;
    }

    private sealed class Accumulator(int bucketCount)
    {
        public long[][] Sums { get; } = Rows(bucketCount, OverviewSql.SumColumns);

        public long[][] Latency { get; } = Rows(bucketCount, LatencyBins.Count);

        public Extremes[] Extremes { get; } = new Extremes[bucketCount];

        public long TotalCost => Sums.Sum(s => s[CostColumn]);

        public OverviewSeries ToSeries(string key)
        {
            var points = new OverviewPoint[bucketCount];
            var allSums = new long[OverviewSql.SumColumns];
            var allLatency = new long[LatencyBins.Count];
            var allExtremes = default(Extremes);
            for (var b = 0; b < bucketCount; b++)
            {
                points[b] = ToPoint(Sums[b], Latency[b], Extremes[b]);
                allExtremes = allExtremes.With(Extremes[b]);
                for (var i = 0; i < allSums.Length; i++)
                {
                    allSums[i] += Sums[b][i];
                }

                for (var i = 0; i < allLatency.Length; i++)
                {
                    allLatency[i] += Latency[b][i];
                }
            }

            return new OverviewSeries(key, points, ToPoint(allSums, allLatency, allExtremes));
        }

        private static long[][] Rows(int count, int width)
            => [.. Enumerable.Range(0, count).Select(_ => new long[width])];

        private static OverviewPoint ToPoint(long[] sums, long[] latency, Extremes extremes)
        {
            var requests = sums[0];
            var latencySumMs = sums[2] / 1000.0;

            // Within what the bins and the sum allow, and within the longest and shortest latency seen.
            double? Percentile(double quantile)
                => LatencyBins.Quantile(latency, quantile, latencySumMs) is { } value
                    ? Math.Max(Math.Min(value, extremes.MaxMs ?? value), extremes.MinMs ?? value)
                    : null;

            return new OverviewPoint(
                Requests: requests,
                Errors: sums[1],
                P50Ms: Percentile(0.50),
                P95Ms: Percentile(0.95),
                P99Ms: Percentile(0.99),
                MeanLatencyMs: requests > 0 ? sums[2] / 1000.0 / requests : null,
                InputTokens: sums[3],
                OutputTokens: sums[4],
                CachedTokens: sums[5],
                ReasoningTokens: sums[6],
                TotalTokens: sums[7],
                CostUsd: MetricLabels.EveryCallUnpriced(sums[CallsColumn], sums[UnpricedColumn])
                    ? null
                    : OverviewQueries.ToUsd(sums[CostColumn]),
                ModelCalls: sums[9],
                UnpricedCalls: sums[10],
                EstimatedCalls: sums[11]);
        }
    }
}

/// <summary>
/// The longest and shortest latency the rows of a bucket kept, in microseconds; unknown as soon as one row with
/// traces did not keep them (rows written before they were).
/// </summary>
internal readonly record struct Extremes(long? MaxMicros, long? MinMicros, bool Unknown)
{
    public double? MaxMs => Unknown || MaxMicros is not { } max ? null : max / 1000.0;

    public double? MinMs => Unknown || MinMicros is not { } min ? null : min / 1000.0;

    public Extremes With(long? maxMicros, long? minMicros)
        => maxMicros is null || minMicros is null
            ? this with { Unknown = true }
            : new(
                Math.Max(MaxMicros ?? long.MinValue, maxMicros.Value),
                Math.Min(MinMicros ?? long.MaxValue, minMicros.Value),
                Unknown);

    public Extremes With(Extremes other)
        => other.Unknown ? this with { Unknown = true }
            : other.MaxMicros is null ? this
            : With(other.MaxMicros, other.MinMicros);
}
