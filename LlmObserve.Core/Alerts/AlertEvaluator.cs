using System.Globalization;
using LlmObserve.Core.Live;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// Evaluates rules: reads each enabled rule's metric over its window and, when its level changes, records an event
/// and queues a delivery to each of its enabled channels. A rule fires once when its condition holds with enough
/// samples, not again while it keeps holding; after a notice of firing it stays silent for its cooldown; it sends a
/// resolve notice when the value is back in range. A window with too few samples changes nothing.
/// </summary>
public sealed class AlertEvaluator(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    AlertMetricCatalog catalog,
    IAlertChangeNotifier notifier,
    TimeProvider timeProvider)
{
    /// <summary>
    /// Evaluates every enabled rule of every project; returns the events recorded. A rule that fails to evaluate is
    /// reported to <paramref name="onError"/> and does not stop the others.
    /// </summary>
    public async Task<int> EvaluateAllAsync(
        CancellationToken cancellationToken,
        Action<long, Exception>? onError = null)
    {
        List<long> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.AlertRules.Where(r => r.Enabled).OrderBy(r => r.Id).Select(r => r.Id)
                .ToListAsync(cancellationToken);
        }

        var events = 0;
        foreach (var id in ids)
        {
            try
            {
                events += await EvaluateAsync(id, cancellationToken) is null ? 0 : 1;
            }
            catch (Exception error) when (error is not OperationCanceledException && onError is not null)
            {
                onError(id, error);
            }
        }

        return events;
    }

    /// <summary>Evaluates one rule now; returns the event it recorded, if its level changed.</summary>
    public async Task<AlertEvent?> EvaluateAsync(long ruleId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.SingleOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null || !rule.Enabled || catalog.Find(rule.Metric) is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var from = now - TimeSpan.FromMinutes(rule.WindowMinutes);
        var source = catalog.SourceOf(rule.Metric);
        var reading = await source.ReadAsync(rule, from, now, cancellationToken);
        rule.LastEvaluatedAt = now;
        rule.LastValue = reading.Value;
        rule.LastSamples = reading.Samples;

        var level = LevelOf(rule, reading);
        AlertEvent? recorded = null;
        if (level is null)
        {
            // Too few samples to judge: the rule keeps its state.
        }
        else if (level != AlertLevel.Ok)
        {
            var cooled = rule.LastFiredAt is not { } fired || now - fired >= TimeSpan.FromMinutes(rule.CooldownMinutes);
            // From warning up to critical is news even within the cooldown; from ok, only once it has passed.
            var escalates = rule.State != AlertLevel.Ok && Rank(level) > Rank(rule.State);
            if ((rule.State == AlertLevel.Ok && cooled) || escalates)
            {
                recorded = NewEvent(rule, source, level, AlertEventStatus.Firing, reading, from, now);
                rule.State = level;
                rule.LastFiredAt = now;
            }
            else if (rule.State != AlertLevel.Ok)
            {
                // Down from critical to warning: still firing, nothing new to tell.
                rule.State = level;
            }
        }
        else if (rule.State != AlertLevel.Ok)
        {
            recorded = NewEvent(rule, source, rule.State, AlertEventStatus.Resolved, reading, from, now);
            rule.State = AlertLevel.Ok;
        }

        if (recorded is not null)
        {
            db.AlertEvents.Add(recorded);
            await db.SaveChangesAsync(cancellationToken);
            var channels = rule.ChannelIdList();
            var enabled = await db.AlertChannels
                .Where(c => c.ProjectId == rule.ProjectId && c.Enabled && channels.Contains(c.Id))
                .Select(c => c.Id)
                .ToListAsync(cancellationToken);
            foreach (var channelId in enabled)
            {
                db.AlertDeliveries.Add(new AlertDelivery
                {
                    EventId = recorded.Id,
                    ChannelId = channelId,
                    NextAttemptAt = now,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (recorded is not null)
        {
            notifier.Publish(new AlertChange(
                rule.ProjectId,
                recorded.Id,
                recorded.RuleName,
                recorded.Level,
                recorded.Status,
                recorded.Value,
                recorded.Link,
                now));
        }

        return recorded;
    }

    /// <summary>
    /// The level a reading puts the rule at: critical, warning or ok; null when the window has fewer samples than
    /// the rule asks, or no value.
    /// </summary>
    public static string? LevelOf(AlertRule rule, AlertReading reading)
    {
        if (reading.Samples < rule.MinSamples || reading.Value is not { } value)
        {
            return null;
        }

        return Passes(rule, value, rule.CriticalThreshold) ? AlertLevel.Critical
            : Passes(rule, value, rule.WarningThreshold) ? AlertLevel.Warning
            : AlertLevel.Ok;
    }

    /// <summary>The threshold of a level.</summary>
    public static double? ThresholdOf(AlertRule rule, string level)
        => level == AlertLevel.Critical ? rule.CriticalThreshold : rule.WarningThreshold;

    /// <summary>
    /// The trace list (relative to the app's root) filtered to a window and to the condition of a rule.
    /// </summary>
    public static string TraceLink(
        AlertRule rule,
        IEnumerable<KeyValuePair<string, string>> conditions,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        List<KeyValuePair<string, string>> query =
        [
            new("from", from.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new("to", to.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
        ];
        if (rule.Environment is not null)
        {
            query.Add(new("environment", rule.Environment));
        }

        if (rule.Model is not null)
        {
            query.Add(new("model", rule.Model));
        }

        query.AddRange(conditions);
        return "traces?" + string.Join(
            '&',
            query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
    }

    private static bool Passes(AlertRule rule, double value, double? threshold)
        => threshold is { } t && (rule.Direction == AlertDirection.Above ? value > t : value < t);

    private static int Rank(string level) => level switch
    {
        AlertLevel.Critical => 2,
        AlertLevel.Warning => 1,
        _ => 0,
    };

    private static AlertEvent NewEvent(
        AlertRule rule,
        IAlertMetricSource source,
        string level,
        string status,
        AlertReading reading,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        var threshold = ThresholdOf(rule, level);
        return new AlertEvent
        {
            ProjectId = rule.ProjectId,
            RuleId = rule.Id,
            RuleName = rule.Name,
            Metric = rule.Metric,
            Level = level,
            Status = status,
            Value = reading.Value,
            Threshold = threshold,
            Direction = rule.Direction,
            Samples = reading.Samples,
            WindowStart = from,
            WindowEnd = to,
            CreatedAt = to,
            Link = source.LinkOf(rule, threshold, from, to),
        };
    }
}
