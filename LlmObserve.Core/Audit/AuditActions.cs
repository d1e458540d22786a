namespace LlmObserve.Core.Audit;

/// <summary>The actions the audit log records, named <c>thing.verb</c> so a filter by prefix reads naturally.</summary>
public static class AuditActions
{
    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string PricesChanged = "prices.changed";
    public const string PriceDeleted = "prices.deleted";
    public const string JudgeEndpointCreated = "judge-endpoint.created";
    public const string JudgeEndpointUpdated = "judge-endpoint.updated";
    public const string JudgeEndpointDeleted = "judge-endpoint.deleted";
    public const string RedactionChanged = "redaction.changed";
    public const string FeedbackOriginsChanged = "browser-access.origins-changed";
    public const string BrowserKeyCreated = "browser-access.key-created";
    public const string BrowserKeyRevoked = "browser-access.key-revoked";
    public const string AlertRuleCreated = "alert-rule.created";
    public const string AlertRuleUpdated = "alert-rule.updated";
    public const string AlertRuleDeleted = "alert-rule.deleted";
    public const string AlertChannelCreated = "alert-channel.created";
    public const string AlertChannelUpdated = "alert-channel.updated";
    public const string AlertChannelDeleted = "alert-channel.deleted";
    public const string EvaluatorCreated = "evaluator.created";
    public const string EvaluatorUpdated = "evaluator.updated";
    public const string EvaluatorEnabled = "evaluator.enabled";
    public const string EvaluatorDisabled = "evaluator.disabled";
    public const string DriftMonitorCreated = "drift-monitor.created";
    public const string DriftMonitorUpdated = "drift-monitor.updated";
    public const string DriftMonitorDeleted = "drift-monitor.deleted";
    public const string DatasetItemDeleted = "dataset-item.deleted";
    public const string SignedIn = "account.signed-in";
    public const string SignInFailed = "account.sign-in-failed";
    public const string LockedOut = "account.locked-out";
    public const string SignedOut = "account.signed-out";
    public const string PasswordChanged = "account.password-changed";
    public const string UserCreated = "user.created";
    public const string RoleChanged = "user.role-changed";
    public const string ProjectCreated = "project.created";
    public const string ProjectChanged = "project.changed";
    public const string ProjectDeleted = "project.deleted";

    /// <summary>Every action above, for the page's filter.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        KeyCreated, KeyRevoked, PricesChanged, PriceDeleted, JudgeEndpointCreated, JudgeEndpointUpdated,
        JudgeEndpointDeleted, RedactionChanged, FeedbackOriginsChanged, BrowserKeyCreated, BrowserKeyRevoked,
        AlertRuleCreated, AlertRuleUpdated, AlertRuleDeleted, AlertChannelCreated, AlertChannelUpdated,
        AlertChannelDeleted, EvaluatorCreated, EvaluatorUpdated, EvaluatorEnabled, EvaluatorDisabled,
        DriftMonitorCreated, DriftMonitorUpdated, DriftMonitorDeleted, DatasetItemDeleted, SignedIn, SignInFailed,
        LockedOut, SignedOut, PasswordChanged, UserCreated, RoleChanged, ProjectCreated, ProjectChanged, ProjectDeleted,
    ];
}
