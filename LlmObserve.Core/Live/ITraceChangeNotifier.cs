namespace LlmObserve.Core.Live;

/// <summary>Traces of one project that were inserted or updated by one commit.</summary>
public sealed record TraceChange(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>
/// Raised after each commit that touched traces. Subscribers get a disposable handle; a slow subscriber
/// never blocks the writer.
/// </summary>
public interface ITraceChangeNotifier
{
    IDisposable Subscribe(Func<TraceChange, Task> onChange);

    void Publish(TraceChange change);
}

/// <summary>In-process notifier: publishes on the thread pool so the writer never waits on a page.</summary>
public sealed class TraceChangeNotifier : ChangeFeed<TraceChange>, ITraceChangeNotifier;
