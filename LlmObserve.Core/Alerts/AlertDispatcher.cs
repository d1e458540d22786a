using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// Delivers queued notices: every delivery whose next attempt is due is sent to its channel; a failure is recorded
/// with its reason and retried after a wait that doubles each time (<see cref="AlertOptions.RetryBaseSeconds"/>),
/// until <see cref="AlertOptions.MaxAttempts"/> attempts have failed.
/// </summary>
public sealed class AlertDispatcher(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    IEnumerable<IAlertChannelSender> senders,
    LlmObserveOptions options,
    TimeProvider timeProvider)
{
    private readonly Dictionary<string, IAlertChannelSender> _senders =
        senders.ToDictionary(s => s.Kind, StringComparer.Ordinal);

    /// <summary>Sends the deliveries that are due; returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Alerts;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var due = await db.AlertDeliveries
            .Where(d => d.Status == AlertDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var delivery in due)
        {
            var alert = await db.AlertEvents.SingleAsync(e => e.Id == delivery.EventId, cancellationToken);
            var channel = await db.AlertChannels.SingleOrDefaultAsync(
                c => c.Id == delivery.ChannelId,
                cancellationToken);
            delivery.Attempts++;
            delivery.LastAttemptAt = timeProvider.GetUtcNow();
            var error = channel is null
                ? "The channel was deleted."
                : await TrySendAsync(channel, AlertNotice.From(alert, settings.PublicBaseUrl), cancellationToken);
            if (error is null)
            {
                delivery.Status = AlertDeliveryStatus.Sent;
                delivery.SentAt = delivery.LastAttemptAt;
                delivery.NextAttemptAt = null;

                // An earlier failure's reason stays: the history shows why it took more than one attempt.
            }
            else if (channel is null || delivery.Attempts >= settings.MaxAttempts)
            {
                delivery.Status = AlertDeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
                delivery.LastError = error;
            }
            else
            {
                delivery.LastError = error;
                delivery.NextAttemptAt = delivery.LastAttemptAt + RetryDelay(settings, delivery.Attempts);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return due.Count;
    }

    /// <summary>Sends a test notice to a channel now; returns the reason it failed, or null.</summary>
    public Task<string?> SendTestAsync(AlertChannel channel, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var notice = new AlertNotice(
            0,
            new AlertNoticeRule(0, "Test notice from LlmObserve", AlertMetricNames.LatencyP95),
            AlertLevel.Warning,
            AlertEventStatus.Firing,
            1234,
            1000,
            AlertDirection.Above,
            42,
            new AlertNoticeWindow(now - TimeSpan.FromMinutes(5), now, 5),
            AlertEvaluator.TraceLink(
                new AlertRule
                {
                    ProjectId = channel.ProjectId,
                    Name = "test",
                    Metric = AlertMetricNames.LatencyP95,
                    Direction = AlertDirection.Above,
                },
                [],
                now - TimeSpan.FromMinutes(5),
                now),
            now,
            true);
        if (!string.IsNullOrWhiteSpace(options.Alerts.PublicBaseUrl))
        {
            notice = notice with { Link = options.Alerts.PublicBaseUrl.TrimEnd('/') + "/" + notice.Link };
        }

        return TrySendAsync(channel, notice, cancellationToken);
    }

    /// <summary>The wait after the given number of failed attempts.</summary>
    public static TimeSpan RetryDelay(AlertOptions settings, int failedAttempts)
    {
        var seconds = settings.RetryBaseSeconds * Math.Pow(2, Math.Max(0, failedAttempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, settings.RetryMaxSeconds));
    }

    /// <summary>
    /// Sends, and returns why it failed with the channel's address cut out (<see cref="AlertChannelUrl.Redact"/>):
    /// the reason is stored in the history and shown to viewers, and a client error or a receiver's error page may
    /// quote the address with its token.
    /// </summary>
    private async Task<string?> TrySendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancel)
        => AlertChannelUrl.Redact(await TrySendUnredactedAsync(channel, notice, cancel), channel.Url);

    private async Task<string?> TrySendUnredactedAsync(
        AlertChannel channel,
        AlertNotice notice,
        CancellationToken cancel)
    {
        if (!_senders.TryGetValue(channel.Kind, out var sender))
        {
            return $"No sender for channels of kind '{channel.Kind}'.";
        }

        try
        {
            await sender.SendAsync(channel, notice, cancel);
            return null;
        }
        catch (AlertDeliveryException error)
        {
            return error.Message;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Anything else a client library throws (a TLS handshake, a malformed reply) is a failed attempt too:
            // recorded and retried, never a run that stops before saving it.
            return $"{error.GetType().Name}: {error.Message}";
        }
    }
}
