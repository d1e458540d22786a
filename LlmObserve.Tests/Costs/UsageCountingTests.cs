using LlmObserve.Core.Costs;

namespace LlmObserve.Tests.Costs;

public sealed class UsageCountingTests
{
    [Fact]
    public void CountedSpanIds_AgentRepeatingItsModelCallsUsage_CountsOnlyTheCalls()
    {
        // invoke_agent (sum of both calls) → step → two chat calls, each with its own usage.
        UsageNode[] spans =
        [
            new("agent", null, HasUsage: true),
            new("step", "agent", HasUsage: false),
            new("chat1", "step", HasUsage: true),
            new("chat2", "step", HasUsage: true),
            new("tool", "step", HasUsage: false),
        ];

        Assert.Equal(["chat1", "chat2"], UsageCounting.CountedSpanIds(spans).Order());
    }

    [Fact]
    public void CountedSpanIds_ParentIsTheOnlyRecordOfTheCall_CountsTheParent()
    {
        UsageNode[] spans = [new("generateText", null, HasUsage: true), new("tool", "generateText", HasUsage: false)];

        Assert.Equal(["generateText"], UsageCounting.CountedSpanIds(spans));
    }

    [Fact]
    public void CountedSpanIds_ParentNotArrivedYet_ChildCountsAsARoot()
    {
        UsageNode[] spans = [new("chat", "missing-parent", HasUsage: true)];

        Assert.Equal(["chat"], UsageCounting.CountedSpanIds(spans));
    }

    [Fact]
    public void CountedSpanIds_CyclicParentIds_Terminate()
    {
        UsageNode[] spans = [new("a", "b", HasUsage: true), new("b", "a", HasUsage: true)];

        Assert.Empty(UsageCounting.CountedSpanIds(spans));
    }
}
