namespace LlmObserve.Core.Alerts;

/// <summary>A rule as the API and the form send it; every field optional so missing ones are named.</summary>
public sealed record AlertRuleDraft(
    string? Name,
    string? Metric,
    string? Environment,
    string? Model,
    string? ScoreName,
    string? EvaluatorId,
    int? WindowMinutes,
    string? Direction,
    double? WarningThreshold,
    double? CriticalThreshold,
    long? MinSamples,
    int? CooldownMinutes,
    IReadOnlyList<long>? ChannelIds,
    bool? Enabled,
    string? DriftMonitorId = null,
    string? DriftFeature = null);

/// <summary>
/// A channel as the API and the form send it. On an update, a null password and a null or empty URL keep the stored
/// ones: both are secrets that views never return, so a client cannot send them back unchanged.
/// </summary>
public sealed record AlertChannelDraft(
    string? Name,
    string? Kind,
    string? Url,
    string? SmtpHost,
    int? SmtpPort,
    bool? SmtpUseTls,
    string? SmtpUser,
    string? SmtpPassword,
    string? EmailFrom,
    string? EmailTo,
    bool? Enabled);

/// <summary>A rule with its current state, as the API returns it.</summary>
public sealed record AlertRuleView(
    long Id,
    string Name,
    string Metric,
    string? Environment,
    string? Model,
    string? ScoreName,
    string? EvaluatorId,
    int WindowMinutes,
    string Direction,
    double? WarningThreshold,
    double? CriticalThreshold,
    long MinSamples,
    int CooldownMinutes,
    IReadOnlyList<long> ChannelIds,
    bool Enabled,
    string State,
    double? LastValue,
    long LastSamples,
    DateTimeOffset? LastEvaluatedAt,
    DateTimeOffset? LastFiredAt,
    string? DriftMonitorId,
    string? DriftFeature)
{
    public static AlertRuleView Of(AlertRule r) => new(
        r.Id, r.Name, r.Metric, r.Environment, r.Model, r.ScoreName, r.EvaluatorId, r.WindowMinutes, r.Direction,
        r.WarningThreshold, r.CriticalThreshold, r.MinSamples, r.CooldownMinutes, r.ChannelIdList(), r.Enabled,
        r.State, r.LastValue, r.LastSamples, r.LastEvaluatedAt, r.LastFiredAt, r.DriftMonitorId, r.DriftFeature);
}

/// <summary>
/// A channel as the API returns it: never its password, only whether one is set, and never its URL, only its masked
/// form (<see cref="AlertChannelUrl.Mask"/>), since webhook and Slack addresses carry their token in the path or query.
/// </summary>
public sealed record AlertChannelView(
    long Id,
    string Name,
    string Kind,
    string? MaskedUrl,
    string? SmtpHost,
    int? SmtpPort,
    bool SmtpUseTls,
    string? SmtpUser,
    bool HasSmtpPassword,
    string? EmailFrom,
    string? EmailTo,
    bool Enabled)
{
    public static AlertChannelView Of(AlertChannel c) => new(
        c.Id, c.Name, c.Kind, AlertChannelUrl.Mask(c.Url), c.SmtpHost, c.SmtpPort, c.SmtpUseTls, c.SmtpUser,
        c.SmtpPasswordProtected is not null, c.EmailFrom, c.EmailTo, c.Enabled);
}

/// <summary>One delivery of an event, as the history shows it.</summary>
public sealed record AlertDeliveryView(
    long Id,
    long ChannelId,
    string ChannelName,
    string ChannelKind,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt);

/// <summary>An event of the history with its deliveries.</summary>
public sealed record AlertEventView(
    long Id,
    long RuleId,
    string RuleName,
    string Metric,
    string Level,
    string Status,
    double? Value,
    double? Threshold,
    string Direction,
    long Samples,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset CreatedAt,
    string Link,
    IReadOnlyList<AlertDeliveryView> Deliveries);
