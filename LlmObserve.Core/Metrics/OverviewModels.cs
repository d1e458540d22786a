namespace LlmObserve.Core.Metrics;

/// <summary>
/// Which traffic the overview shows: one environment, one model, or both; null keeps all. A stored value, so an
/// environment or model that was not named is the empty string (<see cref="MetricLabels"/> shows it as "(none)").
/// </summary>
/// <remarks>
/// With a model, the totals are the traces that called it, with that model's own tokens and cost, as in
/// <see cref="OverviewTimeline.ByModel"/>; the top lists rank those traces by their whole cost.
/// </remarks>
public sealed record OverviewFilter(string? Environment, string? Model)
{
    public static OverviewFilter None { get; } = new(null, null);

    public bool IsEmpty => Environment is null && Model is null;
}

/// <summary>Traffic, reliability, latency, tokens and cost of one bucket (or a whole range) of one series.</summary>
/// <remarks>
/// Requests are the traces that started in the bucket and errors those of them with a failed span. Latency
/// percentiles are read from the latency histogram (<see cref="LatencyBins"/>) and are null without requests.
/// The cost is what was reported or priced; unpriced calls (usage but no cost) are a gap in it, never $0, and
/// when every model call counted was unpriced the cost is null: unknown, not zero.
/// </remarks>
public sealed record OverviewPoint(
    long Requests,
    long Errors,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MeanLatencyMs,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long ReasoningTokens,
    long TotalTokens,
    decimal? CostUsd,
    long ModelCalls,
    long UnpricedCalls,
    long EstimatedCalls)
{
    public static OverviewPoint Empty { get; } = new(0, 0, null, null, null, null, 0, 0, 0, 0, 0, 0m, 0, 0, 0);

    /// <summary>Errors over requests, 0…1; null without requests.</summary>
    public double? ErrorRate => Requests > 0 ? (double)Errors / Requests : null;
}

/// <summary>One line of a chart: the points of a series (all traffic, an environment or a model) per bucket.</summary>
public sealed record OverviewSeries(string Key, IReadOnlyList<OverviewPoint> Points, OverviewPoint Total);

/// <summary>
/// The overview over a time range: bucket starts, the series in total, per environment and per model, and the
/// range's totals.
/// </summary>
/// <remarks>
/// <see cref="Buckets"/> holds the start of each bucket (UTC); every series has one point per bucket, and the
/// <see cref="Step"/> is chosen from the range so charts stay readable. A trace that called two models counts under
/// both in <see cref="ByModel"/>, so those series do not add up to <see cref="Total"/>; tokens and cost are each
/// model's own. <see cref="UnpricedModels"/> lists the named models whose calls had usage but no price;
/// <see cref="UnnamedUnpricedCalls"/> counts such calls that named no model, which no price can match.
/// </remarks>
public sealed record OverviewTimeline(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Step,
    IReadOnlyList<DateTimeOffset> Buckets,
    OverviewSeries Total,
    IReadOnlyList<OverviewSeries> ByEnvironment,
    IReadOnlyList<OverviewSeries> ByModel,
    IReadOnlyList<string> UnpricedModels,
    long UnnamedUnpricedCalls);

/// <summary>A user or session ranked by cost over a range.</summary>
public sealed record CostLeader(string Key, long Requests, long Errors, long TotalTokens, decimal CostUsd);

/// <summary>
/// A trace ranked by cost over a range; <see cref="TokensEstimated"/> when a model call of it reported no usage and
/// its tokens were estimated.
/// </summary>
public sealed record TraceCostLeader(
    string TraceId,
    string? Name,
    string? UserId,
    string? SessionId,
    DateTimeOffset StartTime,
    string Status,
    long TotalTokens,
    decimal CostUsd,
    bool TokensEstimated = false);

/// <summary>The dashboard's top lists over a range.</summary>
public sealed record OverviewLeaders(
    IReadOnlyList<CostLeader> Users,
    IReadOnlyList<CostLeader> Sessions,
    IReadOnlyList<TraceCostLeader> Traces);
