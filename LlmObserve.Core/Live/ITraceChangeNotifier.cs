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
public sealed class TraceChangeNotifier : ITraceChangeNotifier
{
    private readonly Lock _gate = new();
    private Func<TraceChange, Task>[] _subscribers = [];

    public IDisposable Subscribe(Func<TraceChange, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Subscription(this, onChange);
    }

    public void Publish(TraceChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await subscriber(change);
                }
                catch (Exception)
                {
                    // A failing page must not affect ingestion or other subscribers.
                }
            });
        }
    }

    private void Unsubscribe(Func<TraceChange, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != onChange)];
        }
    }

    private sealed class Subscription(TraceChangeNotifier owner, Func<TraceChange, Task> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(onChange);
            }
        }
    }
}
