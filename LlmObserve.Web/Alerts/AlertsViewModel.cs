using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Alerts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Alerts;

/// <summary>The rule form's fields.</summary>
public sealed class AlertRuleForm
{
    public long? Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Metric { get; set; } = AlertMetricNames.LatencyP95;

    public string Environment { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public string ScoreName { get; set; } = string.Empty;

    public string EvaluatorId { get; set; } = string.Empty;

    public string DriftMonitorId { get; set; } = string.Empty;

    /// <summary>Empty for every feature of the monitor.</summary>
    public string DriftFeature { get; set; } = string.Empty;

    public int WindowMinutes { get; set; } = 5;

    public string Direction { get; set; } = AlertDirection.Above;

    public double? WarningThreshold { get; set; }

    public double? CriticalThreshold { get; set; }

    public long MinSamples { get; set; } = 1;

    public int CooldownMinutes { get; set; } = 30;

    public IReadOnlyCollection<long> ChannelIds { get; set; } = [];

    public bool Enabled { get; set; } = true;
}

/// <summary>
/// The channel form's fields. The URL and the password are secrets the form never receives: both start empty when
/// a channel is edited and are only sent when typed, so the stored ones are kept otherwise.
/// </summary>
public sealed class AlertChannelForm
{
    public long? Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Kind { get; set; } = AlertChannelKind.Webhook;

    public string Url { get; set; } = string.Empty;

    /// <summary>The stored address's masked form, shown beside the empty URL field of an edited channel.</summary>
    public string? MaskedUrl { get; set; }

    public string SmtpHost { get; set; } = string.Empty;

    public int SmtpPort { get; set; } = 587;

    public bool SmtpUseTls { get; set; } = true;

    public string SmtpUser { get; set; } = string.Empty;

    public string SmtpPassword { get; set; } = string.Empty;

    public string EmailFrom { get; set; } = string.Empty;

    public string EmailTo { get; set; } = string.Empty;

    public bool Enabled { get; set; } = true;

    public bool IsEmail => Kind == AlertChannelKind.Email;
}

/// <summary>
/// State of the Alerts and alert history pages: rules, channels, the form being edited (refused with the reason
/// beside each field, by the same checks as the API), the result of "send test", and the latest events. Until
/// accounts exist the pages show the first project.
/// </summary>
public sealed class AlertsViewModel(
    AlertService alerts,
    AlertDispatcher dispatcher,
    AlertMetricCatalog catalog,
    DriftMonitorService driftMonitors,
    CurrentProject currentProject,
    AuditActor actor)
{
    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    public IReadOnlyList<AlertMetricInfo> Metrics => catalog.All;

    public IReadOnlyList<AlertRuleView> Rules { get; private set; } = [];

    public IReadOnlyList<AlertChannelView> Channels { get; private set; } = [];

    /// <summary>The project's drift monitors, which drift rules pick from.</summary>
    public IReadOnlyList<DriftMonitorView> DriftMonitors { get; private set; } = [];

    public IReadOnlyList<AlertEventView> Events { get; private set; } = [];

    public AlertRuleForm? RuleForm { get; private set; }

    public AlertChannelForm? ChannelForm { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    /// <summary>What the last action did, said once; <see cref="NoticeIsError"/> when it failed.</summary>
    public string? Notice { get; private set; }

    public bool NoticeIsError { get; private set; }

    public async Task LoadAsync(bool withEvents, CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        if (ProjectId is not null)
        {
            Rules = await alerts.ListRulesAsync(ProjectId, cancellationToken);
            Channels = await alerts.ListChannelsAsync(ProjectId, cancellationToken);
            DriftMonitors = await driftMonitors.ListAsync(ProjectId, cancellationToken);
            if (withEvents)
            {
                Events = await alerts.ListEventsAsync(ProjectId, null, 200, cancellationToken);
            }
        }

        IsLoaded = true;
    }

    /// <summary>Whether the form's metric reads a drift monitor's results (and so shows the monitor picker).</summary>
    public bool IsDriftMetric(string metric) => catalog.Find(metric)?.DriftMonitor ?? false;

    /// <summary>The features the form's monitor compares, for the feature picker.</summary>
    public IReadOnlyList<string> DriftFeaturesOf(string monitorId)
        => DriftMonitors.FirstOrDefault(m => m.Id == monitorId)?.Features.Select(f => f.Feature).ToList() ?? [];

    public string ChannelName(long id) => Channels.FirstOrDefault(c => c.Id == id)?.Name ?? "#" + id;

    public string? ErrorText(string field)
        => Errors.FirstOrDefault(e => string.Equals(e.Field, field, StringComparison.Ordinal))?.Message;

    public void StartRule(long? id)
    {
        Errors = [];
        Notice = null;
        ChannelForm = null;
        var view = id is null ? null : Rules.FirstOrDefault(r => r.Id == id);
        RuleForm = view is null
            ? new AlertRuleForm()
            : new AlertRuleForm
            {
                Id = view.Id,
                Name = view.Name,
                Metric = view.Metric,
                Environment = view.Environment ?? string.Empty,
                Model = view.Model ?? string.Empty,
                ScoreName = view.ScoreName ?? string.Empty,
                EvaluatorId = view.EvaluatorId ?? string.Empty,
                DriftMonitorId = view.DriftMonitorId ?? string.Empty,
                DriftFeature = view.DriftFeature ?? string.Empty,
                WindowMinutes = view.WindowMinutes,
                Direction = view.Direction,
                WarningThreshold = view.WarningThreshold,
                CriticalThreshold = view.CriticalThreshold,
                MinSamples = view.MinSamples,
                CooldownMinutes = view.CooldownMinutes,
                ChannelIds = [.. view.ChannelIds],
                Enabled = view.Enabled,
            };
    }

    public void StartChannel(long? id)
    {
        Errors = [];
        Notice = null;
        RuleForm = null;
        var view = id is null ? null : Channels.FirstOrDefault(c => c.Id == id);
        ChannelForm = view is null
            ? new AlertChannelForm()
            : new AlertChannelForm
            {
                Id = view.Id,
                Name = view.Name,
                Kind = view.Kind,
                MaskedUrl = view.MaskedUrl,
                SmtpHost = view.SmtpHost ?? string.Empty,
                SmtpPort = view.SmtpPort ?? 587,
                SmtpUseTls = view.SmtpUseTls,
                SmtpUser = view.SmtpUser ?? string.Empty,
                EmailFrom = view.EmailFrom ?? string.Empty,
                EmailTo = view.EmailTo ?? string.Empty,
                Enabled = view.Enabled,
            };
    }

    public void CloseForms()
    {
        RuleForm = null;
        ChannelForm = null;
        Errors = [];
    }

    /// <returns>True when saved.</returns>
    public async Task<bool> SaveRuleAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (RuleForm is not { } form || ProjectId is null)
        {
            return false;
        }

        // Fields the form hides for the chosen metric are not sent, so a value typed before switching is not refused.
        var drift = IsDriftMetric(form.Metric);
        var draft = new AlertRuleDraft(
            form.Name,
            form.Metric,
            drift ? null : form.Environment,
            drift ? null : form.Model,
            drift ? null : form.ScoreName,
            drift ? null : form.EvaluatorId,
            form.WindowMinutes,
            form.Direction,
            form.WarningThreshold,
            form.CriticalThreshold,
            form.MinSamples,
            form.CooldownMinutes,
            [.. form.ChannelIds],
            form.Enabled,
            drift ? form.DriftMonitorId : null,
            drift ? form.DriftFeature : null);
        var (rule, errors) = await alerts.SaveRuleAsync(ProjectId, form.Id, draft, cancellationToken);
        if (rule is null)
        {
            Errors = errors.Count > 0 ? errors : [new FieldError("name", "The rule no longer exists.")];
            return false;
        }

        await actor.RecordAsync(
            ProjectId,
            form.Id is null ? AuditActions.AlertRuleCreated : AuditActions.AlertRuleUpdated,
            rule.Id.ToString(CultureInfo.InvariantCulture),
            new { name = rule.Name },
            CancellationToken.None);
        CloseForms();
        Say($"Rule '{rule.Name}' saved.", false);
        await LoadAsync(false, cancellationToken);
        return true;
    }

    /// <returns>True when saved.</returns>
    public async Task<bool> SaveChannelAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (ChannelForm is not { } form || ProjectId is null)
        {
            return false;
        }

        var draft = new AlertChannelDraft(
            form.Name,
            form.Kind,
            form.Url,
            form.SmtpHost,
            form.SmtpPort,
            form.SmtpUseTls,
            form.SmtpUser,
            form.SmtpPassword.Length == 0 ? null : form.SmtpPassword,
            form.EmailFrom,
            form.EmailTo,
            form.Enabled);
        var (channel, errors) = await alerts.SaveChannelAsync(ProjectId, form.Id, draft, cancellationToken);
        if (channel is null)
        {
            Errors = errors.Count > 0 ? errors : [new FieldError("name", "The channel no longer exists.")];
            return false;
        }

        await actor.RecordAsync(
            ProjectId,
            form.Id is null ? AuditActions.AlertChannelCreated : AuditActions.AlertChannelUpdated,
            channel.Id.ToString(CultureInfo.InvariantCulture),
            new { name = channel.Name, kind = channel.Kind },
            CancellationToken.None);
        CloseForms();
        Say($"Channel '{channel.Name}' saved.", false);
        await LoadAsync(false, cancellationToken);
        return true;
    }

    public async Task DeleteRuleAsync(long id, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (ProjectId is not null && await alerts.DeleteRuleAsync(ProjectId, id, cancellationToken))
        {
            await actor.RecordAsync(
                ProjectId,
                AuditActions.AlertRuleDeleted,
                id.ToString(CultureInfo.InvariantCulture),
                null,
                CancellationToken.None);
            Say("Rule deleted.", false);
        }

        await LoadAsync(false, cancellationToken);
    }

    public async Task DeleteChannelAsync(long id, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (ProjectId is not null && await alerts.DeleteChannelAsync(ProjectId, id, cancellationToken))
        {
            await actor.RecordAsync(
                ProjectId,
                AuditActions.AlertChannelDeleted,
                id.ToString(CultureInfo.InvariantCulture),
                null,
                CancellationToken.None);
            Say("Channel deleted.", false);
        }

        await LoadAsync(false, cancellationToken);
    }

    public async Task SendTestAsync(long id, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Member, cancellationToken);
        if (ProjectId is null || await alerts.FindChannelAsync(ProjectId, id, cancellationToken) is not { } channel)
        {
            Say("The channel no longer exists.", true);
            return;
        }

        var error = await dispatcher.SendTestAsync(channel, cancellationToken);
        Say(error is null ? $"Test notice sent to '{channel.Name}'." : $"'{channel.Name}': {error}", error is not null);
    }

    private void Say(string notice, bool isError)
    {
        Notice = notice;
        NoticeIsError = isError;
    }
}
