namespace LlmObserve.Core.Metrics;

/// <summary>The bucket widths rollups are kept at; <see cref="AllTime"/> has one bucket starting at 0.</summary>
public static class RollupResolution
{
    public const int Minute = 60;
    public const int Hour = 3600;
    public const int AllTime = 0;

    /// <summary>The bucket of user and session rollups (UTC days); series are not kept at it.</summary>
    public const int Day = 86_400;

    public static IReadOnlyList<int> All { get; } = [Minute, Hour, AllTime];

    /// <summary>Start, in Unix seconds, of the bucket of <paramref name="resolution"/> that holds a moment.</summary>
    public static long BucketOf(long unixSeconds, int resolution)
        => resolution == AllTime ? 0 : unixSeconds - (((unixSeconds % resolution) + resolution) % resolution);
}

/// <summary>
/// Request volume, errors, latency, tokens and cost of one project in one time bucket, environment and model,
/// kept current as traces arrive so charts and <c>/metrics</c> never scan raw spans.
/// </summary>
/// <remarks>
/// The row whose <see cref="Model"/> is <see cref="AllModels"/> counts each trace once, with its totals. The other
/// rows count each trace once per model it called, with that model's tokens and cost; a trace that called two models
/// appears under both, so per-model rows are not summed for totals.
/// </remarks>
public sealed class MetricRollup
{
    /// <summary>The <see cref="Model"/> of rows that count whole traces, whatever models they called.</summary>
    public const string AllModels = "*";

    public required string ProjectId { get; set; }

    /// <summary>One of <see cref="RollupResolution"/>, in seconds.</summary>
    public int Resolution { get; set; }

    /// <summary>Bucket start in Unix seconds (UTC); 0 for <see cref="RollupResolution.AllTime"/>.</summary>
    public long BucketStart { get; set; }

    /// <summary>The traces' environment; empty when they named none.</summary>
    public required string Environment { get; set; }

    public required string Model { get; set; }

    /// <summary>Traces (requests) that started in the bucket.</summary>
    public long Requests { get; set; }

    public long Errors { get; set; }

    /// <summary>Sum of the traces' latencies in microseconds, for means.</summary>
    public long LatencySumMicros { get; set; }

    /// <summary>
    /// The longest latency counted into the row, in microseconds; null for rows from before it was kept. Only ever
    /// raised: a trace taken back leaves it as it was, so it is an upper bound of the latencies the row holds, which
    /// percentiles are kept under (<see cref="LatencyBins.Quantile(IReadOnlyList{long}, double, double)"/>).
    /// </summary>
    public long? MaxLatencyMicros { get; set; }

    /// <summary>The shortest latency counted into the row, likewise only ever lowered: a lower bound.</summary>
    public long? MinLatencyMicros { get; set; }

    /// <summary>Traces per <see cref="LatencyBins"/> bin, encoded by <see cref="LatencyBins.Encode"/>.</summary>
    public string? LatencyHistogram { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CachedTokens { get; set; }

    public long ReasoningTokens { get; set; }

    public long TotalTokens { get; set; }

    /// <summary>Cost in billionths of a US dollar, an integer so additions and retractions stay exact.</summary>
    public long CostNanoUsd { get; set; }

    /// <summary>Model calls (generation and embedding spans) of the counted traces.</summary>
    public long ModelCalls { get; set; }

    /// <summary>Model calls that reported usage but have no cost, reported or priced: never counted as $0.</summary>
    public long UnpricedCalls { get; set; }

    /// <summary>Model calls whose tokens were estimated here rather than reported.</summary>
    public long EstimatedCalls { get; set; }
}

/// <summary>
/// Daily (UTC) requests, errors, tokens and cost per user and per session, for the dashboard's top lists over long
/// ranges. Daily rather than hourly: a user is active in a few hours of a day, so hourly rows would be about as many
/// as traces, and ranking them over a month would read as much as the traces themselves.
/// </summary>
public sealed class ActorRollup
{
    public const string UserKind = "user";
    public const string SessionKind = "session";

    public required string ProjectId { get; set; }

    /// <summary>Day start in Unix seconds (UTC).</summary>
    public long BucketStart { get; set; }

    /// <summary><see cref="UserKind"/> or <see cref="SessionKind"/>.</summary>
    public required string Kind { get; set; }

    public required string Key { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public long TotalTokens { get; set; }

    public long CostNanoUsd { get; set; }
}

/// <summary>
/// Daily (UTC) requests, errors, tokens and cost per user and per session within one environment, and within one
/// model the traces named: the overview's top lists under an environment or model filter over long ranges, which
/// otherwise read every trace of the range (about a second at a million traces a month).
/// </summary>
/// <remarks>
/// A trace adds to the row of its environment with <see cref="Model"/> <see cref="MetricRollup.AllModels"/>, and to
/// one row per model in its model list (<see cref="RollupMaintainer.NoModel"/> when it named none), with its whole
/// totals each time, as the top lists filtered by model rank traces by their whole cost. Kept apart from
/// <see cref="ActorRollup"/> so the unfiltered lists read no more rows than before.
/// </remarks>
public sealed class ActorSliceRollup
{
    public required string ProjectId { get; set; }

    /// <summary><see cref="ActorRollup.UserKind"/> or <see cref="ActorRollup.SessionKind"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>A model of the traces' model lists, or <see cref="MetricRollup.AllModels"/> for whole traces.</summary>
    public required string Model { get; set; }

    /// <summary>The traces' environment; empty when they named none.</summary>
    public required string Environment { get; set; }

    /// <summary>Day start in Unix seconds (UTC).</summary>
    public long BucketStart { get; set; }

    public required string Key { get; set; }

    public long Requests { get; set; }

    public long Errors { get; set; }

    public long TotalTokens { get; set; }

    public long CostNanoUsd { get; set; }
}

/// <summary>
/// What one trace last added to the rollups, so that when more of its spans arrive the old share is taken back
/// before the new one is added: rollups stay exact however a trace's aggregate changes.
/// </summary>
public sealed class TraceRollupState
{
    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    /// <summary>The <see cref="TraceContribution"/> as JSON.</summary>
    public required string ContributionJson { get; set; }
}
