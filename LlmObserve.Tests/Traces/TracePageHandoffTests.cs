using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Traces;

/// <summary>What a trace page's prerender leaves for its circuit: taken once, for that trace, while fresh.</summary>
public sealed class TracePageHandoffTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Take_KeyOfThePrerender_GivesHeaderSelectionAndOutlineOnce()
    {
        var handoff = new TracePageHandoff(_clock);
        var header = Trace("a", spans: 3);
        var outline = Trace("a", spans: 3);
        var key = handoff.Leave("p1", header, null, () => Task.FromResult<TraceDetail?>(outline));

        var first = handoff.Take(key, "a");
        var second = handoff.Take(key, "a");

        Assert.NotNull(first);
        Assert.Same(header, first.Header);
        Assert.Equal("p1", first.ProjectId);
        Assert.Same(outline, await first.Outline);
        Assert.Null(second);
        Assert.Equal(0, handoff.Count);
    }

    [Fact]
    public void Take_AnotherTraceUnknownKeyOrExpired_GivesNothing()
    {
        var handoff = new TracePageHandoff(_clock);
        var forA = handoff.Leave("p1", Trace("a", 1), null, () => Task.FromResult<TraceDetail?>(null));
        var late = handoff.Leave("p1", Trace("b", 1), null, () => Task.FromResult<TraceDetail?>(null));

        var wrongTrace = handoff.Take(forA, "b");
        var unknown = handoff.Take("feedbeef", "b");
        _clock.Advance(TracePageHandoff.Lifetime);
        var expired = handoff.Take(late, "b");

        Assert.Null(wrongTrace);
        Assert.Null(unknown);
        Assert.Null(expired);
        Assert.Equal(0, handoff.Count);
    }

    [Fact]
    public async Task Leave_BeyondTheSpanBudget_ReadsNothingUntilEntriesAreTaken()
    {
        var handoff = new TracePageHandoff(_clock);
        var reads = 0;
        Task<TraceDetail?> Read()
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult<TraceDetail?>(null);
        }

        var big = handoff.Leave("p1", Trace("a", TracePageHandoff.MaxWaitingSpans - 10), null, Read);
        var refused = handoff.Leave("p1", Trace("b", 11), null, Read);
        await handoff.Take(big, "a")!.Outline;
        var afterTake = handoff.Leave("p1", Trace("b", 11), null, Read);
        await handoff.Take(afterTake, "b")!.Outline;

        Assert.NotNull(big);
        Assert.Null(refused);
        Assert.NotNull(afterTake);
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task Take_OutlineReadFailed_GivesNullSoTheCircuitReadsItself()
    {
        var handoff = new TracePageHandoff(_clock);
        var key = handoff.Leave(
            "p1",
            Trace("a", 1),
            null,
            () => Task.FromException<TraceDetail?>(new InvalidOperationException("store gone")));

        var start = handoff.Take(key, "a");

        Assert.NotNull(start);
        Assert.Null(await start.Outline);
    }

    private static TraceDetail Trace(string traceId, int spans) => new()
    {
        TraceId = traceId,
        Tags = [],
        Status = "ok",
        Models = [],
        Tokens = new TokenTotals(0, 0, 0, 0, 0),
        SpanCount = spans,
        Spans = [],
        Scores = [],
        Feedback = [],
    };
}
