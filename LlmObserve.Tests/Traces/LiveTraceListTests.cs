using LlmObserve.Core.Live;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Traces;

public sealed class LiveTraceListTests
{
    [Fact]
    public void CallbackThrottler_ManySignals_RunsAtMostOncePerInterval()
    {
        var clock = new ManualTimeProvider();
        var runs = 0;
        using var throttler = new CallbackThrottler(TimeSpan.FromSeconds(1), clock, () =>
        {
            runs++;
            return Task.CompletedTask;
        });

        for (var i = 0; i < 5; i++)
        {
            throttler.Signal();
        }

        clock.Advance(TimeSpan.Zero);
        Assert.Equal(1, runs);

        for (var i = 0; i < 5; i++)
        {
            throttler.Signal();
        }

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, runs);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, runs);
    }

    [Fact]
    public void CallbackThrottler_Disposed_RunsNoMore()
    {
        var clock = new ManualTimeProvider();
        var runs = 0;
        var throttler = new CallbackThrottler(TimeSpan.FromSeconds(1), clock, () =>
        {
            runs++;
            return Task.CompletedTask;
        });
        throttler.Signal();

        throttler.Dispose();
        throttler.Signal();
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task TraceListViewModel_TracesWrittenAfterLoad_AreCountedAsNewUntilShown()
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();
        await store.AddAsync([TraceStore.Trace(projectId, 1, 0)]);
        var model = app.GetRequiredService<TraceListViewModel>();
        await model.LoadAsync(TraceFilter.None, TraceSort.Default, CancellationToken.None);
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = model.WatchNewTraces(async () =>
        {
            if (await model.RefreshNewTraceCountAsync(CancellationToken.None))
            {
                counted.TrySetResult();
            }
        });

        await store.AddAsync([TraceStore.Trace(projectId, 2, 5), TraceStore.Trace(projectId, 3, 6)]);
        app.GetRequiredService<ITraceChangeNotifier>().Publish(new TraceChange(
            projectId,
            [TraceStore.TraceId(2), TraceStore.TraceId(3)],
            DateTimeOffset.UnixEpoch));
        await counted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, model.NewTraceCount);
        Assert.Single(model.Rows);

        await model.ShowNewTracesAsync(CancellationToken.None);

        Assert.Equal(0, model.NewTraceCount);
        Assert.Equal(
            [TraceStore.TraceId(3), TraceStore.TraceId(2), TraceStore.TraceId(1)],
            model.Rows.Select(r => r.TraceId));
    }
}
