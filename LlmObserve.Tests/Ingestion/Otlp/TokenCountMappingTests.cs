using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>
/// Token counts a client got wrong: the span is kept, its usage is dropped, and the reason names the attribute so
/// it reaches the client in OTLP <c>partial_success</c>.
/// </summary>
public sealed class TokenCountMappingTests
{
    public static TheoryData<AnyValue, string> BadCounts => new()
    {
        { Int(-5), "-5" },
        { Dbl(12.5), "12.5" },
        { Dbl(-1.0), "-1" },
        { Str("12.5"), "12.5" },
        { Str("-3"), "-3" },
        { Str("many"), "many" },
        { Bool(true), "true" },
    };

    [Theory]
    [MemberData(nameof(BadCounts))]
    public void Map_BadInputTokenCount_DropsUsageKeepsSpanAndSaysWhy(AnyValue count, string shown)
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.request.model", "gpt-4o"),
            A("gen_ai.usage.input_tokens", count),
            A("gen_ai.usage.output_tokens", 30L));

        var result = Mapper().Map(Request(span), "project-1");

        var entity = Assert.Single(result.Spans);
        Assert.Equal(0, result.RejectedSpans);
        Assert.Equal("gpt-4o", entity.Model);
        Assert.Null(entity.InputTokens);
        Assert.Null(entity.OutputTokens);
        Assert.Null(entity.TotalTokens);
        var error = Assert.Single(result.Errors);
        Assert.Contains(
            $"gen_ai.usage.input_tokens is {shown}, not a whole number of tokens",
            error,
            StringComparison.Ordinal);
        Assert.Contains("token usage was dropped", error, StringComparison.Ordinal);
        Assert.Contains("test span", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_CountsWhoseSumOverflows_NamedAsTooLargeNotAsANegativeTotal()
    {
        var span = SpanWith(
            A("gen_ai.usage.input_tokens", long.MaxValue),
            A("gen_ai.usage.output_tokens", long.MaxValue));

        var result = Mapper().Map(Request(span), "project-1");

        var entity = Assert.Single(result.Spans);
        Assert.Null(entity.TotalTokens);
        Assert.Contains(
            result.Errors,
            e => e.Contains($"input token count {long.MaxValue} is outside", StringComparison.Ordinal));
        Assert.Contains(
            result.Errors,
            e => e.Contains($"total token count {long.MaxValue} is outside", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Errors, e => e.Contains("count -", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(12.0)]
    [InlineData(0.0)]
    public void Map_WholeNumberSentAsDouble_IsAccepted(double count)
    {
        var span = SpanWith(A("gen_ai.usage.input_tokens", count), A("gen_ai.usage.output_tokens", Str("7")));

        var entity = MapOne(span);

        Assert.Equal((long)count, entity.InputTokens);
        Assert.Equal(7, entity.OutputTokens);
    }

    [Fact]
    public void Map_BadCountOnFirstName_DoesNotFallThroughToAnOlderName()
    {
        var span = SpanWith(A("gen_ai.usage.input_tokens", -1L), A("gen_ai.usage.prompt_tokens", 40L));

        var result = Mapper().Map(Request(span), "project-1");

        Assert.Null(Assert.Single(result.Spans).InputTokens);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Map_NegativeCountInLangfuseUsageDetails_DropsUsage()
    {
        var span = SpanWith(
            A("langfuse.observation.type", "generation"),
            A("langfuse.observation.usage_details", """{"input":-200,"output":50}"""));

        var result = Mapper().Map(Request(span), "project-1");

        Assert.Null(Assert.Single(result.Spans).InputTokens);
        Assert.Contains(
            "langfuse.observation.usage_details.input is -200",
            Assert.Single(result.Errors),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Map_OneSpanWithBadCounts_KeepsTheOtherSpansUsage()
    {
        var bad = SpanWith(A("gen_ai.usage.output_tokens", Dbl(3.7)));
        var good = SpanWith(A("gen_ai.usage.input_tokens", 100L), A("gen_ai.usage.output_tokens", 20L));
        good.SpanId = ByteString.CopyFrom(Convert.FromHexString("aaa19b7ec3c1b174"));

        var result = Mapper().Map(Request(bad, good), "project-1");

        Assert.Equal(2, result.Spans.Count);
        Assert.Equal(0, result.RejectedSpans);
        Assert.Null(result.Spans[0].OutputTokens);
        Assert.Equal((100L, 20L), (result.Spans[1].InputTokens, result.Spans[1].OutputTokens));
        Assert.Contains("gen_ai.usage.output_tokens is 3.7", result.ErrorMessage, StringComparison.Ordinal);
    }
}
