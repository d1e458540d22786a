using LlmObserve.Core.Live;
using Microsoft.AspNetCore.SignalR;

namespace LlmObserve.Web.Live;

/// <summary>
/// Forwards trace changes from Core to the SignalR hub, gathered per project and sent at most every
/// <see cref="Interval"/>, so a burst of commits becomes one message per project rather than hundreds.
/// </summary>
internal sealed class LiveHubBroadcaster(
    ITraceChangeNotifier notifier,
    IHubContext<LiveHub, ILiveClient> hub,
    TimeProvider timeProvider) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private Dictionary<string, HashSet<string>> _pending = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe(change =>
        {
            lock (_gate)
            {
                if (!_pending.TryGetValue(change.ProjectId, out var ids))
                {
                    _pending[change.ProjectId] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.UnionWith(change.TraceIds);
            }

            return Task.CompletedTask;
        });

        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Dictionary<string, HashSet<string>> batch;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        continue;
                    }

                    batch = _pending;
                    _pending = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                }

                foreach (var (projectId, ids) in batch)
                {
                    var message = new TracesChangedMessage(projectId, [.. ids], timeProvider.GetUtcNow());
                    await hub.Clients.Group(LiveHub.ProjectGroup(projectId)).TracesChanged(message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
