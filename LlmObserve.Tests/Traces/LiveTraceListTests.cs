using LlmObserve.Core.Live;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Traces;
using Microsoft.Extensions.DependencyInjection;

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
        using var scope = await TestPeople.SignedInScopeAsync(app);
        var model = scope.ServiceProvider.GetRequiredService<TraceListViewModel>();
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

    [Theory]
    [InlineData(TraceSortKey.StartTime, true)]
    [InlineData(TraceSortKey.StartTime, false)]
    [InlineData(TraceSortKey.Latency, true)]
    [InlineData(TraceSortKey.Latency, false)]
    [InlineData(TraceSortKey.Cost, true)]
    [InlineData(TraceSortKey.Cost, false)]
    [InlineData(TraceSortKey.Tokens, true)]
    [InlineData(TraceSortKey.Tokens, false)]
    public async Task TraceListViewModel_AnySort_CountsOnlyArrivalsAndShowPutsThemWhereTheSortPlacesThem(
        TraceSortKey key,
        bool descending)
    {
        await using var app = await RunningApp.StartAsync();
        var store = new TraceStore(app);
        var projectId = await store.ProjectIdAsync();

        // More than a page, the older the slower and dearer: under most sorts the loaded page is not the newest.
        await store.AddAsync(Enumerable.Range(1, TraceListViewModel.PageSize + 10)
            .Select(n => Ranked(TraceStore.Trace(projectId, n, n), 1000 - n)));
        using var scope = await TestPeople.SignedInScopeAsync(app);
        var model = scope.ServiceProvider.GetRequiredService<TraceListViewModel>();
        await model.LoadAsync(TraceFilter.None, new TraceSort(key, descending), CancellationToken.None);
        await model.RefreshNewTraceCountAsync(CancellationToken.None);
        var countedBeforeArrivals = model.NewTraceCount;

        // One arrival tops every key; the other has the lowest of each and an early start (a skewed client clock).
        await store.AddAsync(
        [
            Ranked(TraceStore.Trace(projectId, 100, 200), 5000),
            Ranked(TraceStore.Trace(projectId, 101, -30), 1),
        ]);
        await model.RefreshNewTraceCountAsync(CancellationToken.None);
        var countedAfterArrivals = model.NewTraceCount;
        await model.ShowNewTracesAsync(CancellationToken.None);

        Assert.Equal(0, countedBeforeArrivals);
        Assert.Equal(2, countedAfterArrivals);
        Assert.Equal(0, model.NewTraceCount);
        Assert.Equal(TraceStore.TraceId(descending ? 100 : 101), model.Rows[0].TraceId);
    }

    private static TraceEntity Ranked(TraceEntity trace, int rank)
    {
        trace.LatencyMs = rank;
        trace.Cost = rank / 1000.0;
        trace.TotalTokens = rank;
        return trace;
    }
}
