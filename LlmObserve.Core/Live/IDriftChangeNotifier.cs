namespace LlmObserve.Core.Live;

/// <summary>A drift monitor of a project stored a new result.</summary>
public sealed record DriftChange(string ProjectId, string MonitorId, long ResultId, DateTimeOffset At);

/// <summary>Raised after each stored drift run; the Drift page and the live hub listen.</summary>
public interface IDriftChangeNotifier
{
    IDisposable Subscribe(Func<DriftChange, Task> onChange);

    void Publish(DriftChange change);
}

/// <summary>In-process notifier for drift results.</summary>
public sealed class DriftChangeNotifier : ChangeFeed<DriftChange>, IDriftChangeNotifier;
