using System.Collections.Concurrent;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Caps requests in flight per judge endpoint, across every evaluator that uses it. One instance per process;
/// the cap of an endpoint is fixed by the first caller that names it.
/// </summary>
public sealed class JudgeEndpointLimiter
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits for a free slot of the endpoint; dispose the handle to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(JudgeEndpointOptions endpoint, CancellationToken cancellationToken)
    {
        var key = $"{endpoint.Provider}|{endpoint.DisplayEndpoint}";
        var slots = _slots.GetOrAdd(key, _ => new SemaphoreSlim(endpoint.MaxConcurrency, endpoint.MaxConcurrency));
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
