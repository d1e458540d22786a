using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Traces;

public sealed class TraceFormatTests
{
    [Theory]
    [InlineData(null, "–")]
    [InlineData(0.0, "$0")]
    [InlineData(0.0000004, "$0.0000004")]
    [InlineData(0.0000000004, "<$0.000000001")]
    [InlineData(0.000012, "$0.000012")]
    [InlineData(0.0000123456, "$0.0000123")]
    [InlineData(0.00123456, "$0.00123")]
    [InlineData(0.000042, "$0.000042")]
    [InlineData(0.0123, "$0.0123")]
    [InlineData(0.5, "$0.50")]
    [InlineData(12.3456, "$12.35")]
    [InlineData(1234.5678, "$1,234.57")]
    [InlineData(2_500_000.0, "$2,500,000.00")]
    public void Cost_AnyAmount_ShowsTheDigitsThatMatterAndADashWhenUnknown(double? usd, string expected)
    {
        var text = TraceFormat.Cost(usd);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Cost_Decimal_MatchesTheDoubleForm()
    {
        var text = TraceFormat.Cost(1234.5678m);

        Assert.Equal(TraceFormat.Cost(1234.5678), text);
    }

    [Theory]
    [InlineData(null, false, "–")]
    [InlineData(null, true, "unpriced")]
    [InlineData(0.0, true, "$0")]
    [InlineData(0.000012, true, "$0.000012")]
    public void CostOrUnpriced_MissingCost_UnpricedOnlyWhenThereIsUsage(double? usd, bool hasUsage, string expected)
    {
        var text = TraceFormat.CostOrUnpriced(usd, hasUsage);

        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(null, false, "–")]
    [InlineData(1234L, false, "1,234")]
    [InlineData(1234L, true, "~1,234")]
    public void Tokens_Estimated_CarryTheMark(long? count, bool estimated, string expected)
    {
        var text = TraceFormat.Tokens(count, estimated);

        Assert.Equal(expected, text);
    }
}
