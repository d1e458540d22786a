namespace LlmObserve.Core.Alerts;

/// <summary>Which side of the thresholds is bad.</summary>
public static class AlertDirection
{
    public const string Above = "above";
    public const string Below = "below";

    public static IReadOnlyList<string> All { get; } = [Above, Below];
}

/// <summary>The state of a rule and the level of an event.</summary>
public static class AlertLevel
{
    public const string Ok = "ok";
    public const string Warning = "warning";
    public const string Critical = "critical";
}

/// <summary>Whether an event announces a condition or its end.</summary>
public static class AlertEventStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>
/// A condition on a metric over a rolling window: when the metric's value (over at least
/// <see cref="MinSamples"/> samples) passes a threshold in <see cref="Direction"/>, the rule fires at that level,
/// notifies its channels, and says so again when the value returns to range.
/// </summary>
public sealed class AlertRule
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string Name { get; set; }

    /// <summary>A metric of <see cref="AlertMetricCatalog.All"/>, such as <see cref="AlertMetricNames.LatencyP95"/>.
    /// </summary>
    public required string Metric { get; set; }

    /// <summary>Only traffic of this environment; null for all.</summary>
    public string? Environment { get; set; }

    /// <summary>Only traffic (or traces of scores and feedback) that called this model; null for all.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// For score metrics: the score name (for the hallucination rate, every groundedness-type name when null).
    /// </summary>
    public string? ScoreName { get; set; }

    /// <summary>For score metrics: only scores of this evaluator id.</summary>
    public string? EvaluatorId { get; set; }

    /// <summary>For drift metrics: the id of the monitor whose results are read.</summary>
    public string? DriftMonitorId { get; set; }

    /// <summary>For drift metrics: only this feature of the monitor; null for all of them.</summary>
    public string? DriftFeature { get; set; }

    public int WindowMinutes { get; set; }

    /// <summary><see cref="AlertDirection.Above"/> or <see cref="AlertDirection.Below"/>.</summary>
    public required string Direction { get; set; }

    public double? WarningThreshold { get; set; }

    public double? CriticalThreshold { get; set; }

    /// <summary>Samples (requests, scores, feedback) the window needs before the rule may change state.</summary>
    public long MinSamples { get; set; }

    /// <summary>After a notice of firing, how long before the rule may notify firing again.</summary>
    public int CooldownMinutes { get; set; }

    /// <summary>Ids of the channels notified, comma-separated.</summary>
    public string ChannelIds { get; set; } = string.Empty;

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>One of <see cref="AlertLevel"/>: what the rule last notified.</summary>
    public string State { get; set; } = AlertLevel.Ok;

    /// <summary>When the rule last notified firing; the cooldown counts from it.</summary>
    public DateTimeOffset? LastFiredAt { get; set; }

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    public double? LastValue { get; set; }

    public long LastSamples { get; set; }

    public IReadOnlyList<long> ChannelIdList()
        => [.. ChannelIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)];
}

/// <summary>A change of a rule's state: it fired at a level, or it resolved.</summary>
public sealed class AlertEvent
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public long RuleId { get; set; }

    public required string RuleName { get; set; }

    public required string Metric { get; set; }

    /// <summary>The level fired at; for a resolve notice, the level that ended.</summary>
    public required string Level { get; set; }

    /// <summary>One of <see cref="AlertEventStatus"/>.</summary>
    public required string Status { get; set; }

    public double? Value { get; set; }

    /// <summary>The threshold passed (for a resolve notice, the one passed before).</summary>
    public double? Threshold { get; set; }

    public required string Direction { get; set; }

    public long Samples { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The trace list filtered to the window and condition (for drift metrics, the Drift page of the monitor),
    /// relative to the app's root.
    /// </summary>
    public required string Link { get; set; }
}

/// <summary>Kinds of channels.</summary>
public static class AlertChannelKind
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Email = "email";

    public static IReadOnlyList<string> All { get; } = [Webhook, Slack, Email];
}

/// <summary>Where notices go: a webhook, a Slack-compatible incoming webhook, or email over SMTP.</summary>
public sealed class AlertChannel
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string Name { get; set; }

    /// <summary>One of <see cref="AlertChannelKind.All"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>Webhook and Slack: the http(s) address posted to.</summary>
    public string? Url { get; set; }

    public string? SmtpHost { get; set; }

    public int? SmtpPort { get; set; }

    /// <summary>Email: STARTTLS when the server offers it (false sends in the clear, for a local relay).</summary>
    public bool SmtpUseTls { get; set; } = true;

    public string? SmtpUser { get; set; }

    /// <summary>Email: the SMTP password, protected by the host's data-protection keys.</summary>
    public string? SmtpPasswordProtected { get; set; }

    public string? EmailFrom { get; set; }

    /// <summary>Email: recipients, comma-separated.</summary>
    public string? EmailTo { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>States of a delivery of an event to a channel.</summary>
public static class AlertDeliveryStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";

    /// <summary>Every attempt failed; no more will be made.</summary>
    public const string Failed = "failed";
}

/// <summary>The delivery of one event to one channel, with its attempts so far.</summary>
public sealed class AlertDelivery
{
    public long Id { get; set; }

    public long EventId { get; set; }

    public long ChannelId { get; set; }

    /// <summary>One of <see cref="AlertDeliveryStatus"/>.</summary>
    public string Status { get; set; } = AlertDeliveryStatus.Pending;

    public int Attempts { get; set; }

    /// <summary>Why the last failed attempt failed; kept after a later success, so the history shows it.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>When the next attempt is due; null once sent or given up.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
