using LlmObserve.Core.Costs;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

public sealed class TokenEstimatorTests
{
    // Counts fixed by the encodings themselves: "Hello, world!" is 4 tokens and the pangram 10 in both; the
    // Japanese greeting is 4 tokens in o200k_base and 6 in cl100k_base, which tells the encodings apart.
    private const string Hello = "Hello, world!";
    private const string Pangram = "The quick brown fox jumps over the lazy dog.";
    private const string Japanese = "こんにちは、世界！";

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "o200k_base", true)]
    [InlineData("gpt-4o-mini", "o200k_base", true)]
    [InlineData("gpt-4.1-nano", "o200k_base", true)]
    [InlineData("gpt-5", "o200k_base", true)]
    [InlineData("o3-mini", "o200k_base", true)]
    [InlineData("o1", "o200k_base", true)]
    [InlineData("openai/gpt-4o", "o200k_base", true)]
    [InlineData("gpt-4-turbo", "cl100k_base", true)]
    [InlineData("gpt-3.5-turbo-0125", "cl100k_base", true)]
    [InlineData("gpt-35-turbo", "cl100k_base", true)]
    [InlineData("text-embedding-3-small", "cl100k_base", true)]
    [InlineData("claude-sonnet-4-5", "cl100k_base", false)]
    [InlineData("gemini-2.5-pro", "cl100k_base", false)]
    [InlineData("omni-model", "cl100k_base", false)]
    [InlineData(null, "cl100k_base", false)]
    public void EncodingFor_Model_PicksItsOwnOrFallsBackToCl100k(string? model, string encoding, bool exact)
    {
        Assert.Equal((encoding, exact), TokenEstimator.EncodingFor(model));
    }

    [Fact]
    public void Estimate_OpenAiModel_CountsWithO200kAndIsExactEncoding()
    {
        var estimate = TokenEstimator.Shared.Estimate("gpt-4o", Japanese, Pangram);

        Assert.Equal(new TokenEstimate(4, 10, "o200k_base", Approximate: false), estimate);
    }

    [Fact]
    public void Estimate_OtherProvider_CountsWithCl100kAndSaysItIsApproximate()
    {
        var estimate = TokenEstimator.Shared.Estimate("claude-haiku-4-5", Japanese, null);

        Assert.Equal(new TokenEstimate(6, 0, "cl100k_base", Approximate: true), estimate);
    }

    [Fact]
    public void Estimate_NoText_IsNull()
    {
        Assert.Null(TokenEstimator.Shared.Estimate("gpt-4o", null, ""));
    }

    [Fact]
    public void Estimate_EncodingsComeFromTheEmbeddedDataPackages()
    {
        TokenEstimator.Shared.Estimate("gpt-4o", Hello, null);
        TokenEstimator.Shared.Estimate("claude-haiku-4-5", Hello, null);

        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet();
        Assert.Contains("Microsoft.ML.Tokenizers.Data.O200kBase", loaded);
        Assert.Contains("Microsoft.ML.Tokenizers.Data.Cl100kBase", loaded);
    }

    [Fact]
    public void Price_GenerationWithTextButNoUsage_IsEstimatedPricedAndMarked()
    {
        var calculator = new CostCalculator(Table(Price("gpt-4o", 2.50m, 10.00m, ModelMatchKind.Prefix)));
        var span = Span(SpanType.Generation, "gpt-4o", Hello, Pangram);

        var priced = SpanCosting.Price(span, calculator, TokenEstimator.Shared);
        priced.ApplyTo(span);

        // 4 input tokens × 2.50 = 0.00001; 10 output tokens × 10 = 0.0001 → 0.00011
        Assert.Equal(CostStatus.Computed, priced.Cost.Status);
        Assert.Equal(0.00011m, priced.Cost.Total);
        Assert.True(priced.Cost.TokensEstimated);
        Assert.Equal(
            (4L, 10L, 14L, true),
            (span.InputTokens, span.OutputTokens, span.TotalTokens, span.UsageEstimated));
        Assert.Equal(0.00011, span.Cost);
        Assert.False(span.CostReported);
    }

    [Fact]
    public void Price_EstimatedTokensOfUnknownModel_AreUnpricedAndStillMarked()
    {
        var calculator = new CostCalculator(PriceTable.Empty);
        var span = Span(SpanType.Generation, "brand-new-model", Hello, null);

        var priced = SpanCosting.Price(span, calculator, TokenEstimator.Shared);
        priced.ApplyTo(span);

        Assert.Equal(CostStatus.Unpriced, priced.Cost.Status);
        Assert.True(priced.Cost.TokensEstimated);
        Assert.True(priced.Estimate!.Approximate);
        Assert.Equal(4, span.InputTokens);
        Assert.Null(span.Cost);
    }

    [Theory]
    [InlineData(SpanType.Chain)]
    [InlineData(SpanType.Agent)]
    [InlineData(SpanType.Retrieval)]
    public void Price_NonModelSpanWithText_IsNeverEstimated(string type)
    {
        var calculator = new CostCalculator(Table(Price("gpt-4o", 2.50m, 10.00m)));
        var span = Span(type, "gpt-4o", Hello, Pangram);

        var priced = SpanCosting.Price(span, calculator, TokenEstimator.Shared);

        Assert.Equal(CostStatus.NoUsage, priced.Cost.Status);
        Assert.Null(priced.Estimate);
    }

    [Fact]
    public void Price_SpanWithReportedUsage_IsNotEstimated()
    {
        var calculator = new CostCalculator(Table(Price("gpt-4o", 2.50m, 10.00m)));
        var span = Span(SpanType.Generation, "gpt-4o", Hello, Pangram);
        span.InputTokens = 1_000;
        span.OutputTokens = 100;

        var priced = SpanCosting.Price(span, calculator, TokenEstimator.Shared);

        // 1,000 × 2.50 = 0.0025; 100 × 10 = 0.001 → 0.0035
        Assert.Equal(0.0035m, priced.Cost.Total);
        Assert.False(priced.Cost.TokensEstimated);
        Assert.Null(priced.Estimate);
    }

    private static SpanEntity Span(string type, string model, string? input, string? output) => new()
    {
        ProjectId = "p1",
        TraceId = "5b8efff798038103d269b633813fc60c",
        SpanId = "eee19b7ec3c1b174",
        Name = "call",
        Type = type,
        Status = SpanStatus.Ok,
        Model = model,
        InputText = input,
        OutputText = output,
        StartTimeUnixNano = UnixNanos.FromDateTimeOffset(Mar1),
    };
}
