namespace LlmObserve.Core.Live;

/// <summary>A rule fired or resolved: one new alert event.</summary>
public sealed record AlertChange(
    string ProjectId,
    long EventId,
    string RuleName,
    string Level,
    string Status,
    double? Value,
    string Link,
    DateTimeOffset At);

/// <summary>Raised for each new alert event; the layout's notification and the live hub listen.</summary>
public interface IAlertChangeNotifier
{
    IDisposable Subscribe(Func<AlertChange, Task> onChange);

    void Publish(AlertChange change);
}

/// <summary>In-process notifier for alert events.</summary>
public sealed class AlertChangeNotifier : ChangeFeed<AlertChange>, IAlertChangeNotifier;
