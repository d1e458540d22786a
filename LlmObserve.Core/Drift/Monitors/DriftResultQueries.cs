using System.Text.Json;
using LlmObserve.Core.Drift.Statistics;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Drift.Monitors;

/// <summary>Reads a monitor's runs back as a time series.</summary>
public sealed class DriftResultQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>
    /// The latest <paramref name="limit"/> runs of a monitor in [from, to), oldest first. With
    /// <paramref name="details"/> each carries its histograms, topics and projection; without, only the scores.
    /// Null when the project has no such monitor.
    /// </summary>
    public async Task<IReadOnlyList<DriftResultView>?> ListAsync(
        string projectId,
        string monitorId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int limit,
        bool details,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.DriftMonitors.AnyAsync(m => m.ProjectId == projectId && m.Id == monitorId, cancellationToken))
        {
            return null;
        }

        var query = db.DriftResults.AsNoTracking().Where(r => r.MonitorId == monitorId);
        if (from is { } start)
        {
            query = query.Where(r => r.RunAt >= start);
        }

        if (to is { } end)
        {
            query = query.Where(r => r.RunAt < end);
        }

        var runs = await query.OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        runs.Reverse();
        var ids = runs.Select(r => r.Id).ToList();
        var features = await db.DriftFeatureResults.AsNoTracking()
            .Where(f => ids.Contains(f.ResultId))
            .OrderBy(f => f.Id)
            .ToListAsync(cancellationToken);
        var byRun = features.ToLookup(f => f.ResultId);
        return [.. runs.Select(r => ToView(r, byRun[r.Id], details))];
    }

    internal static DriftResultView ToView(DriftResult result, IEnumerable<DriftFeatureResult> features, bool details)
        => new(
            result.Id,
            result.MonitorId,
            result.RunAt,
            result.Trigger,
            result.ReferenceFrom,
            result.ReferenceTo,
            result.CurrentFrom,
            result.CurrentTo,
            result.ReferenceTraces,
            result.CurrentTraces,
            result.ReferenceFeatured,
            result.CurrentFeatured,
            Math.Max(0, result.ReferenceTraces - result.ReferenceFeatured),
            Math.Max(0, result.CurrentTraces - result.CurrentFeatured),
            result.FeaturesWithVerdict,
            result.DriftedFeatures,
            result.DurationMs,
            result.Error,
            [
                .. features.Select(f => new DriftFeatureResultView(
                    f.Feature,
                    f.Kind,
                    f.TestName,
                    f.TestDisplayName,
                    f.ScoreKind,
                    f.Score,
                    f.PValue,
                    f.Statistic,
                    f.Threshold,
                    f.Drifted,
                    f.Status,
                    f.Message,
                    f.ReferenceCount,
                    f.CurrentCount,
                    f.ReferenceMissing,
                    f.CurrentMissing,
                    f.SampledPerWindow,
                    details && f.DistributionJson is { } distribution
                        ? JsonSerializer.Deserialize<DriftDistribution>(distribution, DriftMonitorService.Json)
                        : null)),
            ],
            details && result.TopicsJson is { } topics
                ? JsonSerializer.Deserialize<DriftTopicReport>(topics, DriftMonitorService.Json)
                : null,
            details && result.ProjectionJson is { } projection
                ? JsonSerializer.Deserialize<DriftProjection>(projection, DriftMonitorService.Json)
                : null);
}
