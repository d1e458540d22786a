namespace LlmObserve.Web.Accounts;

/// <summary>
/// Account events (4000-4099). E-mail addresses are logged as account ids where one exists, and passwords never.
/// </summary>
internal static partial class AccountsLog
{
    [LoggerMessage(
        EventId = 4000,
        Level = LogLevel.Information,
        Message = "The first admin was created from the {Source}")]
    public static partial void FirstAdminCreated(ILogger logger, string source);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Account {UserId} signed in")]
    public static partial void SignedIn(ILogger logger, string userId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "A sign-in failed ({Reason})")]
    public static partial void SignInFailed(ILogger logger, string reason);

    [LoggerMessage(
        EventId = 4003,
        Level = LogLevel.Warning,
        Message = "Account {UserId} is locked after failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string userId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Account {UserId} signed out")]
    public static partial void SignedOut(ILogger logger, string userId);

    [LoggerMessage(
        EventId = 4005,
        Level = LogLevel.Information,
        Message = "Account {UserId} was created by {ActorId}")]
    public static partial void UserCreated(ILogger logger, string userId, string actorId);

    [LoggerMessage(
        EventId = 4006,
        Level = LogLevel.Information,
        Message = "Role of account {UserId} in project {ProjectId} set to {Role} by {ActorId}")]
    public static partial void RoleChanged(
        ILogger logger,
        string userId,
        string projectId,
        string role,
        string actorId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Account {UserId} changed its password")]
    public static partial void PasswordChanged(ILogger logger, string userId);
}
