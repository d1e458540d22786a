using System.Globalization;
using LlmObserve.Core.Metrics;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// Latency percentiles, error rate, cost per hour, tokens and request volume, read from the same minute and hour
/// rollups as the overview dashboard, so an alert and the chart it points at agree. Samples are requests; a window
/// without requests reads zero volume (the "no data" condition of a volume rule below a threshold).
/// </summary>
public sealed class TrafficMetricSource(OverviewQueries overview) : IAlertMetricSource
{
    public IReadOnlyList<AlertMetricInfo> Metrics { get; } =
    [
        new(AlertMetricNames.LatencyP50, "Latency p50", "ms"),
        new(AlertMetricNames.LatencyP95, "Latency p95", "ms"),
        new(AlertMetricNames.LatencyP99, "Latency p99", "ms"),
        new(AlertMetricNames.ErrorRate, "Error rate", "share 0-1"),
        new(AlertMetricNames.CostPerHour, "Cost per hour", "USD/h"),
        new(AlertMetricNames.Tokens, "Tokens", "tokens per window"),
        new(AlertMetricNames.RequestVolume, "Request volume", "requests per window"),
    ];

    public async Task<AlertReading> ReadAsync(
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var filter = new OverviewFilter(rule.Environment, rule.Model);
        var timeline = await overview.TimelineAsync(rule.ProjectId, from, to, TimeSpan.Zero, filter, cancellationToken);
        var total = timeline.Total.Total;
        var hours = (timeline.To - timeline.From).TotalHours;
        double? value = rule.Metric switch
        {
            AlertMetricNames.LatencyP50 => total.P50Ms,
            AlertMetricNames.LatencyP95 => total.P95Ms,
            AlertMetricNames.LatencyP99 => total.P99Ms,
            AlertMetricNames.ErrorRate => total.ErrorRate,
            AlertMetricNames.CostPerHour => total.CostUsd is { } cost ? (double)cost / hours : null,
            AlertMetricNames.Tokens => total.TotalTokens,
            AlertMetricNames.RequestVolume => total.Requests,
            _ => throw new ArgumentException($"'{rule.Metric}' is not a traffic metric.", nameof(rule)),
        };
        return new AlertReading(value, total.Requests);
    }

    public IReadOnlyList<KeyValuePair<string, string>> TraceFilters(AlertRule rule, double? threshold)
    {
        var latency = rule.Metric is AlertMetricNames.LatencyP50 or AlertMetricNames.LatencyP95
            or AlertMetricNames.LatencyP99;
        if (latency && threshold is { } ms)
        {
            var key = rule.Direction == AlertDirection.Above ? "minLatencyMs" : "maxLatencyMs";
            return [new(key, ms.ToString("R", CultureInfo.InvariantCulture))];
        }

        return rule.Metric == AlertMetricNames.ErrorRate ? [new("status", "error")] : [];
    }
}
