namespace LlmObserve.Core.Live;

/// <summary>
/// In-process publish/subscribe for change notifications: subscribers get a disposable handle, and each is called
/// on the thread pool so the publisher (the writer) never waits on a page, and a failing subscriber affects no
/// other.
/// </summary>
public class ChangeFeed<TChange>
{
    private readonly Lock _gate = new();
    private Func<TChange, Task>[] _subscribers = [];

    public IDisposable Subscribe(Func<TChange, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Subscription(this, onChange);
    }

    public void Publish(TChange change)
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

    private void Unsubscribe(Func<TChange, Task> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != onChange)];
        }
    }

    private sealed class Subscription(ChangeFeed<TChange> owner, Func<TChange, Task> onChange) : IDisposable
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
