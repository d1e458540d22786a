using LlmObserve.Core.Costs;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Tests.Costs;

/// <summary>Which spans' usage a trace's totals leave out, and why, as the trace detail marks them.</summary>
public sealed class UsageCountingTests
{
    [Fact]
    public void Excluded_GenerationRepeatingItsChildGenerations_IncludedInChildren()
    {
        SpanDetail[] spans =
        [
            Span("a1", null, SpanType.Generation, tokens: 24),
            Span("c1", "a1", SpanType.Generation, tokens: 12),
            Span("c2", "a1", SpanType.Generation, tokens: 12),
        ];

        var excluded = UsageCounting.Excluded(spans);

        Assert.Equal(UsageExclusion.IncludedInChildren, Assert.Single(excluded, e => e.Key == "a1").Value);
        Assert.Single(excluded);
    }

    [Fact]
    public void Excluded_AgentAboveAGenerationWithUsage_IncludedInChildren()
    {
        SpanDetail[] spans =
        [
            Span("r0", null, SpanType.Span),
            Span("ag", "r0", SpanType.Agent, tokens: 30, cost: 0.003),
            Span("g1", "ag", SpanType.Generation, tokens: 30, cost: 0.003),
        ];

        var excluded = UsageCounting.Excluded(spans);

        Assert.Equal(UsageExclusion.IncludedInChildren, excluded["ag"]);
        Assert.False(excluded.ContainsKey("g1"));
        Assert.False(excluded.ContainsKey("r0"));
    }

    [Fact]
    public void Excluded_ChainWithUsageBesideAGeneration_NotCounted()
    {
        SpanDetail[] spans =
        [
            Span("r0", null, SpanType.Span),
            Span("ch", "r0", SpanType.Chain, tokens: 50),
            Span("g1", "r0", SpanType.Generation, tokens: 30),
        ];

        var excluded = UsageCounting.Excluded(spans);

        Assert.Equal(UsageExclusion.NotCounted, Assert.Single(excluded).Value);
        Assert.Equal("ch", excluded.Single().Key);
    }

    [Fact]
    public void Excluded_AgentWithUsageAndNoModelCallReporting_CountsAndIsNotListed()
    {
        SpanDetail[] spans =
        [
            Span("ag", null, SpanType.Agent, tokens: 30),
            Span("t1", "ag", SpanType.Tool),
        ];

        var excluded = UsageCounting.Excluded(spans);

        Assert.Empty(excluded);
    }

    private static SpanDetail Span(string id, string? parent, string type, long? tokens = null, double? cost = null)
        => new()
        {
            SpanId = id,
            ParentSpanId = parent,
            Name = id,
            Type = type,
            Status = SpanStatus.Ok,
            Usage = new LlmObserve.Core.Traces.Queries.SpanUsage(
                tokens, tokens is null ? null : 0, null, null, null, tokens, false),
            Cost = cost,
            Events = [],
            Links = [],
            Truncations = [],
        };
}
