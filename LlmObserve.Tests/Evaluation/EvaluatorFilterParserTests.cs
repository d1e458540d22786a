using LlmObserve.Web.Evaluation;

namespace LlmObserve.Tests.Evaluation;

public sealed class EvaluatorFilterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_TraceListAddress_ReadsItsFiltersInCanonicalOrder()
    {
        var (filter, query, errors) = EvaluatorFilterParser.Parse(
            "http://127.0.0.1:5000/traces?tag=rag&environment=production&minLatencyMs=250&search=refund%20policy",
            Now);

        Assert.Empty(errors);
        Assert.Equal("environment=production&tag=rag&search=refund%20policy&minLatencyMs=250", query);
        Assert.Equal(("production", "rag", 250.0, "refund policy"), (
            filter.Environment,
            filter.Tag,
            filter.MinLatencyMs!.Value,
            filter.Search));
    }

    [Theory]
    [InlineData("range=24h", "'range'")]
    [InlineData("environment=production&sort=cost", "'sort'")]
    [InlineData("status=maybe", "'status' must be one of")]
    [InlineData("minCost=cheap", "'minCost' must be a number")]
    [InlineData("minScore=0.5", "'scoreName' is needed")]
    public void Parse_TimeSortOrInvalidFilter_RefusedNamingTheParameter(string text, string reason)
    {
        var (_, query, errors) = EvaluatorFilterParser.Parse(text, Now);

        Assert.Empty(query);
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("?")]
    public void Parse_Nothing_IsEveryTrace(string? text)
    {
        var (filter, query, errors) = EvaluatorFilterParser.Parse(text, Now);

        Assert.Empty(errors);
        Assert.Empty(query);
        Assert.Equal(Core.Traces.Queries.TraceFilter.None, filter);
    }
}
