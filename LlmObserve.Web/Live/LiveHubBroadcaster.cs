using LlmObserve.Core.Live;
using Microsoft.AspNetCore.SignalR;

namespace LlmObserve.Web.Live;

/// <summary>
/// Forwards trace, score and drift changes from Core to the SignalR hub, gathered per project and sent at most every
/// <see cref="Interval"/>, so a burst of commits becomes one message per project rather than hundreds; alert events
/// and drift runs are sent as they happen.
/// </summary>
internal sealed class LiveHubBroadcaster(
    ITraceChangeNotifier notifier,
    IScoreChangeNotifier scoreNotifier,
    IAlertChangeNotifier alertNotifier,
    IHubContext<LiveHub, ILiveClient> hub,
    TimeProvider timeProvider,
    IDriftChangeNotifier driftNotifier) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly PendingChanges _traces = new();
    private readonly PendingChanges _scores = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var traceSubscription = notifier.Subscribe(change =>
        {
            _traces.Add(change.ProjectId, change.TraceIds);
            return Task.CompletedTask;
        });
        using var scoreSubscription = scoreNotifier.Subscribe(change =>
        {
            _scores.Add(change.ProjectId, change.TraceIds);
            return Task.CompletedTask;
        });

        // Alert events are rare and each matters: sent as they happen, not gathered.
        using var alertSubscription = alertNotifier.Subscribe(change => hub.Clients
            .Group(LiveHub.ProjectGroup(change.ProjectId))
            .AlertChanged(new AlertChangedMessage(
                change.ProjectId,
                change.EventId,
                change.RuleName,
                change.Level,
                change.Status,
                change.Value,
                change.Link,
                change.At)));

        // Drift runs are minutes apart: each goes out as it is stored, without gathering.
        using var driftSubscription = driftNotifier.Subscribe(change => hub.Clients
            .Group(LiveHub.ProjectGroup(change.ProjectId))
            .DriftResultsChanged(new DriftResultsChangedMessage(
                change.ProjectId,
                change.MonitorId,
                change.ResultId,
                change.At)));

        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (projectId, ids) in _traces.Take())
                {
                    var message = new TracesChangedMessage(projectId, ids, timeProvider.GetUtcNow());
                    await hub.Clients.Group(LiveHub.ProjectGroup(projectId)).TracesChanged(message);
                }

                foreach (var (projectId, ids) in _scores.Take())
                {
                    var message = new ScoresChangedMessage(projectId, ids, timeProvider.GetUtcNow());
                    await hub.Clients.Group(LiveHub.ProjectGroup(projectId)).ScoresChanged(message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Trace ids per project gathered since the last tick.</summary>
    private sealed class PendingChanges
    {
        private readonly Lock _gate = new();
        private Dictionary<string, HashSet<string>> _pending = new(StringComparer.Ordinal);

        public void Add(string projectId, IEnumerable<string> traceIds)
        {
            lock (_gate)
            {
                if (!_pending.TryGetValue(projectId, out var ids))
                {
                    _pending[projectId] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.UnionWith(traceIds);
            }
        }

        public List<(string ProjectId, string[] TraceIds)> Take()
        {
            Dictionary<string, HashSet<string>> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return [];
                }

                batch = _pending;
                _pending = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            }

            return [.. batch.Select(p => (p.Key, p.Value.ToArray()))];
        }
    }
}
