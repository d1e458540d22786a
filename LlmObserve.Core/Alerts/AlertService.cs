using LlmObserve.Core.Outbound;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// Rules, channels and the event history of a project. Every change is checked first: an unknown metric, a threshold
/// that is missing or out of order, a channel address that is not http(s) is refused with the field at fault.
/// </summary>
public sealed class AlertService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    AlertMetricCatalog catalog,
    ISecretProtector secrets,
    TimeProvider timeProvider,
    OutboundPolicy? outbound = null)
{
    public const int MaxWindowMinutes = 7 * 24 * 60;
    public const int MaxCooldownMinutes = 30 * 24 * 60;
    public const int MaxNameLength = 200;

    public async Task<IReadOnlyList<AlertRuleView>> ListRulesAsync(string projectId, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var rules = await db.AlertRules.Where(r => r.ProjectId == projectId).OrderBy(r => r.Name).ToListAsync(cancel);
        return [.. rules.Select(AlertRuleView.Of)];
    }

    public async Task<AlertRuleView?> GetRuleAsync(string projectId, long id, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var rule = await db.AlertRules.SingleOrDefaultAsync(r => r.ProjectId == projectId && r.Id == id, cancel);
        return rule is null ? null : AlertRuleView.Of(rule);
    }

    /// <summary>Creates a rule, or changes rule <paramref name="id"/>.</summary>
    /// <returns>
    /// The saved rule; null with errors when refused; null without errors when the rule does not exist.
    /// </returns>
    public async Task<(AlertRuleView? Rule, IReadOnlyList<FieldError> Errors)> SaveRuleAsync(
        string projectId,
        long? id,
        AlertRuleDraft draft,
        CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var errors = await CheckRuleAsync(db, projectId, id, draft, cancel);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        AlertRule rule;
        if (id is { } existing)
        {
            var found = await db.AlertRules.SingleOrDefaultAsync(
                r => r.ProjectId == projectId && r.Id == existing,
                cancel);
            if (found is null)
            {
                return (null, []);
            }

            rule = found;

            // A changed condition starts from a clean state: the old one's firing says nothing about the new one.
            if (rule.Metric != Trimmed(draft.Metric) || rule.Direction != Trimmed(draft.Direction)?.ToLowerInvariant()
                || rule.DriftMonitorId != Trimmed(draft.DriftMonitorId)
                || rule.DriftFeature != Trimmed(draft.DriftFeature))
            {
                rule.State = AlertLevel.Ok;
            }
        }
        else
        {
            rule = new AlertRule
            {
                ProjectId = projectId,
                Name = string.Empty,
                Metric = string.Empty,
                Direction = string.Empty,
                CreatedAt = timeProvider.GetUtcNow(),
            };
            db.AlertRules.Add(rule);
        }

        rule.Name = draft.Name!.Trim();
        rule.Metric = draft.Metric!.Trim();
        rule.Environment = Trimmed(draft.Environment);
        rule.Model = Trimmed(draft.Model);
        rule.ScoreName = Trimmed(draft.ScoreName);
        rule.EvaluatorId = Trimmed(draft.EvaluatorId);
        rule.DriftMonitorId = Trimmed(draft.DriftMonitorId);
        rule.DriftFeature = Trimmed(draft.DriftFeature);
        rule.WindowMinutes = draft.WindowMinutes!.Value;
        rule.Direction = draft.Direction!.Trim().ToLowerInvariant();
        rule.WarningThreshold = draft.WarningThreshold;
        rule.CriticalThreshold = draft.CriticalThreshold;
        rule.MinSamples = draft.MinSamples ?? 1;
        rule.CooldownMinutes = draft.CooldownMinutes ?? 0;
        rule.ChannelIds = string.Join(',', (draft.ChannelIds ?? []).Distinct());
        rule.Enabled = draft.Enabled ?? true;
        await db.SaveChangesAsync(cancel);
        return (AlertRuleView.Of(rule), []);
    }

    public async Task<bool> DeleteRuleAsync(string projectId, long id, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        return await db.AlertRules.Where(r => r.ProjectId == projectId && r.Id == id).ExecuteDeleteAsync(cancel) > 0;
    }

    public async Task<IReadOnlyList<AlertChannelView>> ListChannelsAsync(string projectId, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var channels = await db.AlertChannels.Where(c => c.ProjectId == projectId).OrderBy(c => c.Name)
            .ToListAsync(cancel);
        return [.. channels.Select(AlertChannelView.Of)];
    }

    public async Task<AlertChannel?> FindChannelAsync(string projectId, long id, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        return await db.AlertChannels.AsNoTracking()
            .SingleOrDefaultAsync(c => c.ProjectId == projectId && c.Id == id, cancel);
    }

    /// <summary>Creates a channel, or changes channel <paramref name="id"/>, as <see cref="SaveRuleAsync"/>.</summary>
    public async Task<(AlertChannelView? Channel, IReadOnlyList<FieldError> Errors)> SaveChannelAsync(
        string projectId,
        long? id,
        AlertChannelDraft draft,
        CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        AlertChannel? channel = null;
        if (id is { } existing)
        {
            channel = await db.AlertChannels.SingleOrDefaultAsync(
                c => c.ProjectId == projectId && c.Id == existing,
                cancel);
            if (channel is null)
            {
                return (null, []);
            }
        }

        // The stored address is never shown, so an update that leaves 'url' out keeps it; it is checked again all
        // the same, as the outbound rules may have changed since it was saved.
        var url = Trimmed(draft.Url) ?? channel?.Url;
        var errors = await CheckChannelAsync(db, projectId, id, draft, url, cancel);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        if (channel is null)
        {
            channel = new AlertChannel
            {
                ProjectId = projectId,
                Name = string.Empty,
                Kind = string.Empty,
                CreatedAt = timeProvider.GetUtcNow(),
            };
            db.AlertChannels.Add(channel);
        }

        channel.Name = draft.Name!.Trim();
        channel.Kind = draft.Kind!.Trim().ToLowerInvariant();
        var email = channel.Kind == AlertChannelKind.Email;
        channel.Url = email ? null : url;
        channel.SmtpHost = email ? draft.SmtpHost!.Trim() : null;
        channel.SmtpPort = email ? draft.SmtpPort ?? 25 : null;
        channel.SmtpUseTls = draft.SmtpUseTls ?? true;
        channel.SmtpUser = email ? Trimmed(draft.SmtpUser) : null;
        if (!email || channel.SmtpUser is null)
        {
            channel.SmtpPasswordProtected = null;
        }
        else if (draft.SmtpPassword is not null)
        {
            channel.SmtpPasswordProtected = draft.SmtpPassword.Length == 0 ? null : secrets.Protect(draft.SmtpPassword);
        }

        channel.EmailFrom = email ? draft.EmailFrom!.Trim() : null;
        channel.EmailTo = email ? string.Join(", ", EmailAlertSender.SplitAddresses(draft.EmailTo)) : null;
        channel.Enabled = draft.Enabled ?? true;
        await db.SaveChangesAsync(cancel);
        return (AlertChannelView.Of(channel), []);
    }

    /// <summary>Deletes a channel and takes it out of the rules that named it.</summary>
    public async Task<bool> DeleteChannelAsync(string projectId, long id, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var channel = await db.AlertChannels.SingleOrDefaultAsync(c => c.ProjectId == projectId && c.Id == id, cancel);
        if (channel is null)
        {
            return false;
        }

        db.AlertChannels.Remove(channel);
        foreach (var rule in await db.AlertRules.Where(r => r.ProjectId == projectId).ToListAsync(cancel))
        {
            var ids = rule.ChannelIdList();
            if (ids.Contains(id))
            {
                rule.ChannelIds = string.Join(',', ids.Where(i => i != id));
            }
        }

        await db.SaveChangesAsync(cancel);
        return true;
    }

    /// <summary>The latest events, newest first, each with its deliveries; optionally of one rule.</summary>
    public async Task<IReadOnlyList<AlertEventView>> ListEventsAsync(
        string projectId,
        long? ruleId,
        int limit,
        CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        var query = db.AlertEvents.Where(e => e.ProjectId == projectId);
        if (ruleId is { } rule)
        {
            query = query.Where(e => e.RuleId == rule);
        }

        var events = await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancel);
        var ids = events.Select(e => e.Id).ToList();
        var deliveries = await db.AlertDeliveries.Where(d => ids.Contains(d.EventId)).OrderBy(d => d.Id)
            .ToListAsync(cancel);
        var channels = await db.AlertChannels.Where(c => c.ProjectId == projectId)
            .ToDictionaryAsync(c => c.Id, cancel);
        return
        [
            .. events.Select(e => new AlertEventView(
                e.Id, e.RuleId, e.RuleName, e.Metric, e.Level, e.Status, e.Value, e.Threshold, e.Direction,
                e.Samples, e.WindowStart, e.WindowEnd, e.CreatedAt, e.Link,
                [
                    .. deliveries.Where(d => d.EventId == e.Id).Select(d => new AlertDeliveryView(
                        d.Id,
                        d.ChannelId,
                        channels.TryGetValue(d.ChannelId, out var c) ? c.Name : "(deleted channel)",
                        channels.TryGetValue(d.ChannelId, out var k) ? k.Kind : string.Empty,
                        d.Status,
                        d.Attempts,
                        AlertChannelUrl.Redact(d.LastError, channels.GetValueOrDefault(d.ChannelId)?.Url),
                        d.LastAttemptAt,
                        d.NextAttemptAt,
                        d.SentAt)),
                ])),
        ];
    }

    private async Task<List<FieldError>> CheckRuleAsync(
        LlmObserveDbContext db,
        string projectId,
        long? id,
        AlertRuleDraft draft,
        CancellationToken cancel)
    {
        var errors = new List<FieldError>();
        CheckName(errors, draft.Name);
        if (errors.Count == 0 && await db.AlertRules.AnyAsync(
                r => r.ProjectId == projectId && r.Name == draft.Name!.Trim() && r.Id != (id ?? 0),
                cancel))
        {
            errors.Add(new("name", $"A rule named '{draft.Name!.Trim()}' exists already."));
        }

        var metricName = Trimmed(draft.Metric);
        var metric = metricName is null ? null : catalog.Find(metricName);
        if (metricName is null)
        {
            errors.Add(new("metric", "'metric' is required: one of " + MetricNames() + "."));
        }
        else if (metric is null)
        {
            errors.Add(new("metric", $"'{metricName}' is not a metric; use one of {MetricNames()}."));
        }

        if (metric is not null && !metric.ScoreFilter)
        {
            if (Trimmed(draft.ScoreName) is not null)
            {
                errors.Add(new("scoreName", $"'scoreName' applies to score metrics only, not to {metric.Name}."));
            }

            if (Trimmed(draft.EvaluatorId) is not null)
            {
                errors.Add(new("evaluatorId", $"'evaluatorId' applies to score metrics only, not to {metric.Name}."));
            }
        }
        else if (metric is { ScoreNameRequired: true } && Trimmed(draft.ScoreName) is null)
        {
            errors.Add(new("scoreName", $"'scoreName' is required for {metric.Name}: the mean of which score."));
        }

        await CheckDriftAsync(db, projectId, metric, draft, errors, cancel);
        if (draft.WindowMinutes is not { } window || window < 1 || window > MaxWindowMinutes)
        {
            errors.Add(new("windowMinutes", $"'windowMinutes' must be a whole number from 1 to {MaxWindowMinutes}."));
        }

        var direction = Trimmed(draft.Direction)?.ToLowerInvariant();
        if (direction is null || !AlertDirection.All.Contains(direction))
        {
            errors.Add(new("direction", "'direction' must be above or below."));
        }

        CheckThreshold(errors, "warningThreshold", draft.WarningThreshold);
        CheckThreshold(errors, "criticalThreshold", draft.CriticalThreshold);
        if (draft.WarningThreshold is null && draft.CriticalThreshold is null)
        {
            errors.Add(new("warningThreshold", "Set 'warningThreshold', 'criticalThreshold' or both."));
        }
        else if (draft is { WarningThreshold: { } warning, CriticalThreshold: { } critical } && direction is not null
            && (direction == AlertDirection.Above ? critical < warning : critical > warning))
        {
            errors.Add(new("criticalThreshold", direction == AlertDirection.Above
                ? "'criticalThreshold' must not be below 'warningThreshold' for a rule that fires above."
                : "'criticalThreshold' must not be above 'warningThreshold' for a rule that fires below."));
        }

        if (draft.MinSamples is < 0)
        {
            errors.Add(new("minSamples", "'minSamples' must be 0 or more."));
        }

        if (draft.CooldownMinutes is < 0 or > MaxCooldownMinutes)
        {
            errors.Add(new("cooldownMinutes", $"'cooldownMinutes' must be from 0 to {MaxCooldownMinutes}."));
        }

        var channelIds = draft.ChannelIds ?? [];
        if (channelIds.Count > 0)
        {
            var known = await db.AlertChannels.Where(c => c.ProjectId == projectId && channelIds.Contains(c.Id))
                .Select(c => c.Id).ToListAsync(cancel);
            var unknown = channelIds.Except(known).ToList();
            if (unknown.Count > 0)
            {
                errors.Add(new("channelIds", $"No channel with id {string.Join(", ", unknown)} in this project."));
            }
        }

        return errors;
    }

    private async Task<List<FieldError>> CheckChannelAsync(
        LlmObserveDbContext db,
        string projectId,
        long? id,
        AlertChannelDraft draft,
        string? url,
        CancellationToken cancel)
    {
        var errors = new List<FieldError>();
        CheckName(errors, draft.Name);
        if (errors.Count == 0 && await db.AlertChannels.AnyAsync(
                c => c.ProjectId == projectId && c.Name == draft.Name!.Trim() && c.Id != (id ?? 0),
                cancel))
        {
            errors.Add(new("name", $"A channel named '{draft.Name!.Trim()}' exists already."));
        }

        var kind = Trimmed(draft.Kind)?.ToLowerInvariant();
        if (kind is null || !AlertChannelKind.All.Contains(kind))
        {
            errors.Add(new("kind", $"'kind' must be one of {string.Join(", ", AlertChannelKind.All)}."));
            return errors;
        }

        if (kind != AlertChannelKind.Email)
        {
            if (url is null)
            {
                errors.Add(new("url", "'url' is required for a " + kind + " channel."));
            }
            else if (AlertChannelUrl.LooksMasked(url))
            {
                errors.Add(new("url", "'url' is the masked form LlmObserve shows, not an address: send the full "
                    + "address to change it, or leave 'url' out to keep the stored one."));
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var address)
                || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(new("url", $"'url' must be an absolute http or https address; '{Shorten(url)}' is not."));
            }
            else if (outbound is not null && await outbound.CheckAsync(address.IdnHost, cancel) is { } refusal)
            {
                errors.Add(new("url", refusal));
            }

            return errors;
        }

        if (Trimmed(draft.SmtpHost) is not { } host || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            errors.Add(new("smtpHost", "'smtpHost' must be a host name or IP address."));
        }
        else if (outbound is not null && await outbound.CheckAsync(host, cancel) is { } refusal)
        {
            errors.Add(new("smtpHost", refusal));
        }

        if (draft.SmtpPort is < 1 or > 65535)
        {
            errors.Add(new("smtpPort", "'smtpPort' must be from 1 to 65535."));
        }

        if (Trimmed(draft.EmailFrom) is not { } from || !IsAddress(from))
        {
            errors.Add(new("emailFrom", "'emailFrom' must be an email address."));
        }

        var to = EmailAlertSender.SplitAddresses(draft.EmailTo);
        if (to.Count == 0)
        {
            errors.Add(new("emailTo", "'emailTo' needs at least one address (comma-separated)."));
        }
        else if (to.FirstOrDefault(a => !IsAddress(a)) is { } bad)
        {
            errors.Add(new("emailTo", $"'{Shorten(bad)}' in 'emailTo' is not an email address."));
        }

        return errors;
    }

    /// <summary>A mailbox with a domain (MimeKit alone accepts a bare local part).</summary>
    private static bool IsAddress(string text)
        => MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address.IndexOf('@', StringComparison.Ordinal) > 0
            && !mailbox.Address.EndsWith('@');

    /// <summary>
    /// A drift metric needs a monitor of this project, and its feature (if any) must be one the monitor compares;
    /// other metrics take neither.
    /// </summary>
    private static async Task CheckDriftAsync(
        LlmObserveDbContext db,
        string projectId,
        AlertMetricInfo? metric,
        AlertRuleDraft draft,
        List<FieldError> errors,
        CancellationToken cancel)
    {
        var monitorId = Trimmed(draft.DriftMonitorId);
        var feature = Trimmed(draft.DriftFeature);
        if (metric is null)
        {
            return;
        }

        if (!metric.DriftMonitor)
        {
            if (monitorId is not null)
            {
                errors.Add(new(
                    "driftMonitorId",
                    $"'driftMonitorId' applies to drift metrics only, not to {metric.Name}."));
            }

            if (feature is not null)
            {
                errors.Add(new("driftFeature", $"'driftFeature' applies to drift metrics only, not to {metric.Name}."));
            }

            return;
        }

        foreach (var (field, value) in new[] { ("environment", draft.Environment), ("model", draft.Model) })
        {
            if (Trimmed(value) is not null)
            {
                errors.Add(new(field, $"'{field}' does not apply to {metric.Name}: a monitor picks its own traffic."));
            }
        }

        if (monitorId is null)
        {
            errors.Add(new(
                "driftMonitorId",
                $"'driftMonitorId' is required for {metric.Name}: the monitor whose results are read."));
            return;
        }

        var monitor = await db.DriftMonitors.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ProjectId == projectId && m.Id == monitorId, cancel);
        if (monitor is null)
        {
            errors.Add(new("driftMonitorId", $"No drift monitor with id '{Shorten(monitorId)}' in this project."));
            return;
        }

        if (feature is not null)
        {
            var features = DriftMonitorService.FeaturesOf(monitor).Select(f => f.Feature).ToList();
            if (!features.Contains(feature, StringComparer.Ordinal))
            {
                errors.Add(new("driftFeature", $"The monitor does not compare '{Shorten(feature)}'; it compares "
                    + string.Join(", ", features) + "."));
            }
        }
    }

    private static void CheckName(List<FieldError> errors, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new("name", "'name' is required."));
        }
        else if (name.Trim().Length > MaxNameLength)
        {
            errors.Add(new("name", $"'name' must be at most {MaxNameLength} characters."));
        }
    }

    private static void CheckThreshold(List<FieldError> errors, string field, double? value)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            errors.Add(new(field, $"'{field}' must be a finite number."));
        }
    }

    private string MetricNames() => string.Join(", ", catalog.All.Select(m => m.Name));

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
