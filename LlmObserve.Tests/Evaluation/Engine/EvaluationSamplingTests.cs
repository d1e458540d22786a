using LlmObserve.Core.Evaluation.Engine;

namespace LlmObserve.Tests.Evaluation.Engine;

public sealed class EvaluationSamplingTests
{
    [Fact]
    public void Fraction_SameTraceIdInAnyCase_IsTheSameEveryTime()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        var first = EvaluationSampling.Fraction(traceId);
        var again = EvaluationSampling.Fraction(traceId);
        var upper = EvaluationSampling.Fraction(traceId.ToUpperInvariant());

        Assert.Equal(first, again);
        Assert.Equal(first, upper);
        Assert.InRange(first, 0, 1);
        Assert.True(first < 1);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void IsSampled_SequentialIds_PicksCloseToTheRate(double rate)
    {
        var ids = Enumerable.Range(0, 20_000)
            .Select(i => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));

        var picked = ids.Count(id => EvaluationSampling.IsSampled(id, rate));

        Assert.InRange(picked / 20_000.0, rate - 0.015, rate + 0.015);
    }

    [Fact]
    public void IsSampled_LowerRate_PicksASubsetOfAHigherRate()
    {
        var ids = Enumerable.Range(0, 2_000).Select(_ => Guid.NewGuid().ToString("N")).ToList();

        var quarter = ids.Where(id => EvaluationSampling.IsSampled(id, 0.25)).ToHashSet();
        var half = ids.Where(id => EvaluationSampling.IsSampled(id, 0.5)).ToHashSet();

        Assert.Subset(half, quarter);
        Assert.All(ids, id => Assert.True(EvaluationSampling.IsSampled(id, 1)));
        Assert.All(ids, id => Assert.False(EvaluationSampling.IsSampled(id, 0)));
    }
}
