using LlmObserve.Core.Evaluation.Judge;

namespace LlmObserve.Tests.Evaluation.Judge;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("12", null, 12_000)]
    [InlineData("Sun, 01 Mar 2026 12:00:30 GMT", null, 30_000)]
    [InlineData("Sun, 01 Mar 2026 11:59:00 GMT", null, 0)]
    [InlineData("12", "250", 250)]
    public void Parse_HeaderValue_GivesTheWait(string retryAfter, string? retryAfterMs, double expectedMs)
    {
        var wait = RetryAfter.Parse(retryAfter, retryAfterMs, Now);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Parse_MissingOrInvalidHeader_GivesNoWait(string? retryAfter)
    {
        Assert.Null(RetryAfter.Parse(retryAfter, null, Now));
    }
}
