namespace LlmObserve.Web.Traces;

/// <summary>
/// Runs a callback at most once per interval however often it is signalled; signals that arrive while a run is
/// due are folded into that run. Disposing stops further runs.
/// </summary>
internal sealed class CallbackThrottler : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly Func<Task> _callback;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _due;
    private bool _disposed;
    private long? _lastRunTimestamp;

    public CallbackThrottler(TimeSpan interval, TimeProvider timeProvider, Func<Task> callback)
    {
        _interval = interval;
        _timeProvider = timeProvider;
        _callback = callback;
    }

    public void Signal()
    {
        lock (_gate)
        {
            if (_disposed || _due)
            {
                return;
            }

            _due = true;
            var wait = _lastRunTimestamp is { } last ? _interval - _timeProvider.GetElapsedTime(last) : TimeSpan.Zero;
            _timer?.Dispose();
            _timer = _timeProvider.CreateTimer(
                _ => _ = RunAsync(),
                null,
                wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task RunAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _due = false;
            _lastRunTimestamp = _timeProvider.GetTimestamp();
        }

        try
        {
            await _callback();
        }
        catch (Exception)
        {
            // A failed refresh is retried by the next signal; it must not end the subscription.
        }
    }
}
