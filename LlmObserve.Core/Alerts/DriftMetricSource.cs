using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// The drift monitors' own results: runs of the rule's <see cref="AlertRule.DriftMonitorId"/> stored in the window
/// (optionally only its <see cref="AlertRule.DriftFeature"/>). <c>drift_score</c> is the worst feature score of those
/// runs as a drift strength, higher meaning more drift whatever the test (a distance as is, a p-value as 1 - p), over
/// the feature results with a verdict; <c>drifted_features</c> counts the drifted features of the latest run, over
/// the runs that did not fail. Environment and model filters do not apply: a monitor picks its own traffic.
/// </summary>
public sealed class DriftMetricSource(IDbContextFactory<LlmObserveDbContext> dbFactory) : IAlertMetricSource
{
    public IReadOnlyList<AlertMetricInfo> Metrics { get; } =
    [
        new(AlertMetricNames.DriftScore, "Drift score", "drift strength 0-1 or distance", DriftMonitor: true),
        new(AlertMetricNames.DriftedFeatures, "Drifted features", "features", DriftMonitor: true),
    ];

    public async Task<AlertReading> ReadAsync(
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        if (rule.DriftMonitorId is not { } monitorId)
        {
            throw new ArgumentException($"Rule {rule.Id} on {rule.Metric} names no drift monitor.", nameof(rule));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return rule.Metric switch
        {
            AlertMetricNames.DriftScore => await ReadScoreAsync(db, rule, monitorId, from, to, cancellationToken),
            AlertMetricNames.DriftedFeatures
                => await ReadDriftedAsync(db, rule, monitorId, from, to, cancellationToken),
            _ => throw new ArgumentException($"'{rule.Metric}' is not a drift metric.", nameof(rule)),
        };
    }

    public IReadOnlyList<KeyValuePair<string, string>> TraceFilters(AlertRule rule, double? threshold) => [];

    /// <summary>The Drift page with the rule's monitor selected, where its runs and verdicts show.</summary>
    public string LinkOf(AlertRule rule, double? threshold, DateTimeOffset from, DateTimeOffset to)
        => "drift?monitor=" + Uri.EscapeDataString(rule.DriftMonitorId ?? string.Empty);

    /// <summary>How strongly a verdict says drift, higher meaning more: a distance as is, a p-value as 1 - p.</summary>
    public static double Strength(string scoreKind, double score) => scoreKind == "p_value" ? 1 - score : score;

    private static async Task<AlertReading> ReadScoreAsync(
        LlmObserveDbContext db,
        AlertRule rule,
        string monitorId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var results = db.DriftFeatureResults
            .Where(f => f.MonitorId == monitorId && f.RunAt >= from && f.RunAt < to && f.Score != null);
        if (rule.DriftFeature is not null)
        {
            results = results.Where(f => f.Feature == rule.DriftFeature);
        }

        var rows = await results.Select(f => new { f.ScoreKind, f.Score }).ToListAsync(cancellationToken);
        var strengths = rows.Select(r => Strength(r.ScoreKind, r.Score!.Value)).ToList();
        return new AlertReading(strengths.Count > 0 ? strengths.Max() : null, strengths.Count);
    }

    private static async Task<AlertReading> ReadDriftedAsync(
        LlmObserveDbContext db,
        AlertRule rule,
        string monitorId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var runs = await db.DriftResults
            .Where(r => r.MonitorId == monitorId && r.RunAt >= from && r.RunAt < to && r.Error == null)
            .Select(r => new { r.Id, r.RunAt, r.DriftedFeatures })
            .ToListAsync(cancellationToken);
        if (runs.Count == 0)
        {
            return new AlertReading(null, 0);
        }

        var latest = runs.OrderByDescending(r => r.RunAt).ThenByDescending(r => r.Id).First();
        if (rule.DriftFeature is null)
        {
            return new AlertReading(latest.DriftedFeatures, runs.Count);
        }

        var drifted = await db.DriftFeatureResults.CountAsync(
            f => f.ResultId == latest.Id && f.Feature == rule.DriftFeature && f.Drifted,
            cancellationToken);
        return new AlertReading(drifted, runs.Count);
    }
}
