using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Metrics;

/// <summary>The dashboard's series and top lists, read from rollups, agree with the traces they summarise.</summary>
public sealed class OverviewQueriesTests : IAsyncLifetime
{
    private readonly WriterTestStore _store = new();
    private GroupCommitSpanWriter _writer = null!;
    private OverviewQueries _queries = null!;

    public async Task InitializeAsync()
    {
        _writer = _store.StartWriter();
        _queries = new OverviewQueries(new StoreFactory(_store));

        // Twelve traces over three hours: prod and staging, two models, every fourth one failing.
        var traceIds = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var trace = TraceId(100 + i);
            var start = i * 15 * 60;
            var generation = RollupMaintainerTests.Generation(
                trace, 1, null, i % 3 == 0 ? "claude-sonnet-4" : "gpt-4o", start, start + 1 + i, 0.01 * (i + 1));
            generation.Environment = i % 2 == 0 ? "prod" : "staging";
            generation.UserId = "user-" + (i % 3);
            generation.SessionId = "session-" + (i / 4);
            generation.Status = i % 4 == 0 ? SpanStatus.Error : SpanStatus.Ok;
            await _writer.WriteAsync(Batch(generation), default);
            traceIds.Add(trace);
        }

        RollupReads.Apply(_store, [.. traceIds]);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Timeline_ThreeHours_TotalsMatchTheTraces()
    {
        var from = UnixNanos.ToDateTimeOffset(T0);

        var timeline = await _queries.TimelineAsync(
            WriterTestStore.Project, from, from.AddHours(3), TimeSpan.Zero, default);

        Assert.Equal(TimeSpan.FromMinutes(5), timeline.Step);
        Assert.Equal(36, timeline.Buckets.Count);
        Assert.Equal(12, timeline.Total.Total.Requests);
        Assert.Equal(3, timeline.Total.Total.Errors);
        Assert.Equal(0.78m, timeline.Total.Total.CostUsd);
        Assert.Equal(12 * 140, timeline.Total.Total.TotalTokens);
        Assert.Equal(["prod", "staging"], timeline.ByEnvironment.Select(s => s.Key));
        Assert.Equal(6, timeline.ByEnvironment[0].Total.Requests);
        Assert.Equal(["gpt-4o", "claude-sonnet-4"], timeline.ByModel.Select(s => s.Key));
        Assert.Equal(4, timeline.ByModel[1].Total.Requests);

        // Trace i starts at i × 15 min: bucket 3i holds it.
        Assert.Equal(1, timeline.Total.Points[3].Requests);
        Assert.Equal(0, timeline.Total.Points[4].Requests);

        // Latencies are 1…12 s: the median lies between 6 and 7 s, within a bin.
        Assert.InRange(timeline.Total.Total.P50Ms!.Value, 5000, 8000);
    }

    [Fact]
    public async Task Timeline_OneTracePerBucket_PercentilesAreThatTracesLatency()
    {
        var from = UnixNanos.ToDateTimeOffset(T0);

        var timeline = await _queries.TimelineAsync(
            WriterTestStore.Project, from, from.AddHours(3), TimeSpan.Zero, default);

        // Trace i, alone in bucket 3i, took 1 + i seconds: no percentile of its bucket may pass that.
        for (var i = 0; i < 12; i++)
        {
            var point = timeline.Total.Points[3 * i];
            var latency = (1 + i) * 1000.0;
            Assert.Equal(1, point.Requests);
            Assert.Equal(latency, point.P50Ms!.Value, precision: 6);
            Assert.Equal(latency, point.P95Ms!.Value, precision: 6);
            Assert.Equal(latency, point.P99Ms!.Value, precision: 6);
        }

        Assert.True(timeline.Total.Total.P99Ms <= 12_000);
    }

    [Fact]
    public async Task Timeline_ManyTracesInOneBucket_PercentilesNeverPassTheLongest()
    {
        await using var store = new WriterTestStore();
        var writer = store.StartWriter();
        var queries = new OverviewQueries(new StoreFactory(store));

        // 98 traces of 100 ms and two of 201 and 202 ms, all in one hour: read from its bins alone, p99 falls
        // halfway through (200, 250] ms, past the longest trace.
        var traceIds = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var trace = TraceId(500 + i);
            var startNanos = T0 + (i * Second);
            var latencyNanos = i switch { 98 => 201_000_000L, 99 => 202_000_000L, _ => 100_000_000L };
            var span = Span(trace, 1);
            span.StartTimeUnixNano = startNanos;
            span.EndTimeUnixNano = startNanos + latencyNanos;
            await writer.WriteAsync(Batch(span), default);
            traceIds.Add(trace);
        }

        RollupReads.Apply(store, [.. traceIds]);
        var from = UnixNanos.ToDateTimeOffset(T0);

        var timeline = await queries.TimelineAsync(
            WriterTestStore.Project, from, from.AddHours(6), TimeSpan.Zero, default);

        var bucket = Assert.Single(timeline.Total.Points, p => p.Requests > 0);
        Assert.Equal(100, bucket.Requests);
        Assert.InRange(bucket.P99Ms!.Value, 201, 202);
        Assert.InRange(timeline.Total.Total.P99Ms!.Value, 201, 202);
        Assert.InRange(bucket.P50Ms!.Value, 100, 100.1);
    }

    [Fact]
    public async Task Leaders_UserWhoseCallsAreAllUnpriced_NotListedAtZeroDollars()
    {
        await using var store = new WriterTestStore();
        var writer = store.StartWriter();
        var queries = new OverviewQueries(new StoreFactory(store));
        var priced = RollupMaintainerTests.Generation(TraceId(801), 1, null, "gpt-4o", 30, 31, 0.01);
        priced.UserId = "user-priced";
        priced.SessionId = "session-priced";
        var unpriced = RollupMaintainerTests.Generation(TraceId(802), 1, null, "acme-unlisted", 40, 41, null);
        unpriced.UserId = "user-unpriced";
        unpriced.SessionId = "session-unpriced";
        await writer.WriteAsync(Batch(priced), default);
        await writer.WriteAsync(Batch(unpriced), default);
        RollupReads.Apply(store, TraceId(801), TraceId(802));
        var t0 = UnixNanos.ToDateTimeOffset(T0);

        // An hour reads the traces; three days read the whole day from the daily rollups.
        var hour = await queries.LeadersAsync(WriterTestStore.Project, t0, t0.AddHours(1), 10, default);
        var days = await queries.LeadersAsync(WriterTestStore.Project, t0.AddHours(-12), t0.AddHours(60), 10, default);
        var filtered = await queries.LeadersAsync(
            WriterTestStore.Project, t0.AddHours(-12), t0.AddHours(60), 10, new OverviewFilter("", null), default);

        foreach (var leaders in (OverviewLeaders[])[hour, days, filtered])
        {
            Assert.Equal(["user-priced"], leaders.Users.Select(u => u.Key));
            Assert.Equal(["session-priced"], leaders.Sessions.Select(u => u.Key));
        }
    }

    [Fact]
    public async Task Timeline_DayStepsInAViewerZone_StartAtTheViewersMidnight()
    {
        var from = UnixNanos.ToDateTimeOffset(T0).AddDays(-200);

        var timeline = await _queries.TimelineAsync(
            WriterTestStore.Project, from, from.AddDays(201), TimeSpan.FromHours(-5), default);

        Assert.Equal(TimeSpan.FromDays(7), timeline.Step);
        Assert.All(timeline.Buckets, b => Assert.Equal(TimeSpan.Zero, b.ToOffset(TimeSpan.FromHours(-5)).TimeOfDay));
        Assert.Equal(12, timeline.Buckets.Zip(timeline.Total.Points).Sum(p => p.Second.Requests));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(-24 * 10, 24 * 20)]
    public async Task Leaders_ShortRangeFromTracesLongFromDailyRollups_RankUsersSessionsAndTracesByCost(
        int fromHours,
        int hours)
    {
        var from = UnixNanos.ToDateTimeOffset(T0).AddHours(fromHours);

        var leaders = await _queries.LeadersAsync(WriterTestStore.Project, from, from.AddHours(hours), 2, default);

        // user-2 has traces 2, 5, 8, 11: 0.03 + 0.06 + 0.09 + 0.12.
        Assert.Equal([("user-2", 0.30m), ("user-1", 0.26m)], leaders.Users.Select(u => (u.Key, u.CostUsd)));
        Assert.Equal([("session-2", 0.42m), ("session-1", 0.26m)], leaders.Sessions.Select(u => (u.Key, u.CostUsd)));
        Assert.Equal([TraceId(111), TraceId(110)], leaders.Traces.Select(t => t.TraceId));
    }

    private sealed class StoreFactory(WriterTestStore store) : IDbContextFactory<LlmObserveDbContext>
    {
        public LlmObserveDbContext CreateDbContext() => store.CreateDbContext();
    }
}
