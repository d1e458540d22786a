using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Ingestion.Writer;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Metrics;

/// <summary>
/// Rollups the writer keeps follow a trace's aggregate however its spans arrive, without double counting.
/// </summary>
public sealed class RollupMaintainerTests : IAsyncLifetime
{
    private static readonly long T0Seconds = T0 / Second;

    private readonly WriterTestStore _store = new();
    private GroupCommitSpanWriter _writer = null!;

    public Task InitializeAsync()
    {
        _writer = _store.StartWriter();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Apply_RootArrivesLaterInAnEarlierMinute_TraceMovesBucketAndCountsOnce()
    {
        var trace = TraceId(1);
        var generation = Generation(trace, 2, parent: 1, "gpt-4o", startOffset: 90, endOffset: 92, cost: 0.0125);
        var root = Span(trace, 1, name: "answer", type: SpanType.Chain, startOffset: 10, endOffset: 95,
            status: SpanStatus.Error);

        await _writer.WriteAsync(Batch(generation), default);
        await _writer.WriteAsync(Batch(root), default);
        var minutes = await RollupReads.RowsAsync(_store, RollupResolution.Minute);
        var allTime = await RollupReads.RowsAsync(_store, RollupResolution.AllTime);

        // The generation alone started at +90 s (minute 1); with its root the trace starts at +10 s (minute 0).
        var minute0 = minutes.Single(r => r.BucketStart == T0Seconds && r.Model == MetricRollup.AllModels);
        var minute1 = minutes.Single(r => r.BucketStart == T0Seconds + 60 && r.Model == MetricRollup.AllModels);
        Assert.Equal((1, 1), (minute0.Requests, minute0.Errors));
        Assert.Equal((0, 0, 0L), (minute1.Requests, minute1.Errors, minute1.CostNanoUsd));

        var all = allTime.Single(r => r.Model == MetricRollup.AllModels);
        var model = allTime.Single(r => r.Model == "gpt-4o");
        Assert.Equal((1, 1, 85_000_000L), (all.Requests, all.Errors, all.LatencySumMicros));
        Assert.Equal(12_500_000L, all.CostNanoUsd);
        Assert.Equal((1, 1, 100L, 40L, 12_500_000L), (model.Requests, model.ModelCalls, model.InputTokens,
            model.OutputTokens, model.CostNanoUsd));

        // One trace, one latency observation per series, in the bin of 85 s; the one at 2 s was taken back.
        var bin = LatencyBins.BinOf(85_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(bin + ":1", all.LatencyHistogram);
        Assert.Equal(bin + ":1", model.LatencyHistogram);
    }

    [Fact]
    public async Task Apply_TraceCallingTwoModels_CountsOnceInTotalAndOncePerModel()
    {
        var trace = TraceId(2);
        await _writer.WriteAsync(
            Batch(
                Span(trace, 1, name: "agent", type: SpanType.Agent, startOffset: 0, endOffset: 10),
                Generation(trace, 2, parent: 1, "gpt-4o", startOffset: 1, endOffset: 3, cost: 0.002),
                Generation(trace, 3, parent: 1, "claude-sonnet-4", startOffset: 4, endOffset: 6, cost: 0.003),
                Generation(trace, 4, parent: 1, "gpt-4o", startOffset: 7, endOffset: 9, cost: 0.001)),
            default);

        var rows = await RollupReads.RowsAsync(_store, RollupResolution.Hour);

        var byModel = rows.ToDictionary(r => r.Model);
        Assert.Equal(3, byModel.Count);
        Assert.Equal((1, 3, 6_000_000L), (byModel["*"].Requests, byModel["*"].ModelCalls, byModel["*"].CostNanoUsd));
        Assert.Equal((1, 2, 3_000_000L), (byModel["gpt-4o"].Requests, byModel["gpt-4o"].ModelCalls,
            byModel["gpt-4o"].CostNanoUsd));
        Assert.Equal((1, 1, 3_000_000L), (byModel["claude-sonnet-4"].Requests,
            byModel["claude-sonnet-4"].ModelCalls, byModel["claude-sonnet-4"].CostNanoUsd));
    }

    [Fact]
    public async Task Apply_CallWithUsageButNoCost_CountsUnpricedNotZeroDollars()
    {
        var trace = TraceId(3);
        await _writer.WriteAsync(
            Batch(
                Generation(trace, 1, parent: null, "brand-new-model", startOffset: 0, endOffset: 1, cost: null),
                Generation(trace, 2, parent: null, "gpt-4o", startOffset: 0, endOffset: 1, cost: 0.5)),
            default);

        var rows = (await RollupReads.RowsAsync(_store, RollupResolution.AllTime)).ToDictionary(r => r.Model);

        Assert.Equal((1L, 0L), (rows["brand-new-model"].UnpricedCalls, rows["brand-new-model"].CostNanoUsd));
        Assert.Equal(0, rows["gpt-4o"].UnpricedCalls);
        Assert.Equal((1L, 500_000_000L), (rows["*"].UnpricedCalls, rows["*"].CostNanoUsd));
    }

    [Fact]
    public async Task Apply_NothingChangedSinceTheWriterKeptIt_WritesNothing()
    {
        var trace = TraceId(4);
        await _writer.WriteAsync(Batch(Generation(trace, 1, null, "gpt-4o", 0, 2, 0.01)), default);

        var again = RollupReads.Apply(_store, trace);
        var rows = await RollupReads.RowsAsync(_store, RollupResolution.AllTime);

        Assert.Equal(0, again);
        Assert.All(rows, r => Assert.Equal(1, r.Requests));
    }

    [Fact]
    public async Task Apply_UserAndSession_HourlyActorRowsCarryCostAndErrors()
    {
        var trace = TraceId(5);
        var span = Generation(trace, 1, null, "gpt-4o", 0, 2, 0.04);
        span.UserId = "user-7";
        span.SessionId = "session-9";
        span.Status = SpanStatus.Error;
        await _writer.WriteAsync(Batch(span), default);

        var actors = await RollupReads.ActorsAsync(_store);

        Assert.Equal(
            [
                (ActorRollup.SessionKind, "session-9", 1L, 1L, 40_000_000L),
                (ActorRollup.UserKind, "user-7", 1L, 1L, 40_000_000L),
            ],
            actors.OrderBy(a => a.Kind, StringComparer.Ordinal)
                .Select(a => (a.Kind, a.Key, a.Requests, a.Errors, a.CostNanoUsd)));
    }

    internal static SpanEntity Generation(
        string traceId,
        int spanId,
        int? parent,
        string model,
        long startOffset,
        long endOffset,
        double? cost)
    {
        var span = Span(traceId, spanId, parent, name: "chat " + model, type: SpanType.Generation,
            startOffset: startOffset, endOffset: endOffset);
        span.Model = model;
        span.InputTokens = 100;
        span.OutputTokens = 40;
        span.TotalTokens = 140;
        span.Cost = cost;
        return span;
    }
}
