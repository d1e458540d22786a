using LlmObserve.Core.Costs;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Costs.PriceFixtures;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Costs;

/// <summary>
/// One fixture per usage shape of CONVENTIONS.md §6, each with its cost worked out by hand. Prices are per million
/// tokens, so every line is tokens × price / 1,000,000.
/// </summary>
public sealed class CostCalculatorTests
{
    private static readonly DateTimeOffset _at = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly CostCalculator _calculator = new(Table(
        Price("gpt-4o", 2.50m, 10.00m, ModelMatchKind.Prefix, cacheRead: 1.25m),
        Price("o3", 2.00m, 8.00m, cacheRead: 0.50m),
        Price(
            "claude-sonnet-4-5",
            3.00m,
            15.00m,
            ModelMatchKind.Prefix,
            cacheRead: 0.30m,
            cacheWrite: 3.75m,
            tiers: [new PriceTier
            {
                AboveInputTokens = 200_000,
                InputPerMillion = 6.00m,
                OutputPerMillion = 22.50m,
                CacheReadPerMillion = 0.60m,
                CacheWritePerMillion = 7.50m,
            }]),
        Price("claude-haiku-4-5", 1.00m, 5.00m, cacheRead: 0.10m, cacheWrite: 1.25m),
        Price(
            "gemini-2.5-pro",
            1.25m,
            10.00m,
            cacheRead: 0.125m,
            tiers: [new PriceTier
            {
                AboveInputTokens = 200_000,
                InputPerMillion = 2.50m,
                OutputPerMillion = 15.00m,
                CacheReadPerMillion = 0.25m,
            }]),
        Price("thinker", 1.00m, 10.00m, reasoning: 20.00m),
        Price("acme", 1.00m, 2.00m, from: Jan1),
        Price("acme", 0.50m, 1.00m, from: Mar1)));

    [Fact]
    public void Compute_OpenAiChatWithCachedPrompt_PricesCachedTokensOnceAtTheCachedRate()
    {
        // prompt_tokens 1000 of which cached_tokens 800; completion_tokens 30.
        var usage = ProviderUsage.OpenAiChat(promptTokens: 1000, completionTokens: 30, cachedTokens: 800);

        var cost = Compute(usage, "gpt-4o-2024-08-06", "openai");

        // uncached 200 × 2.50 = 0.0005; cached 800 × 1.25 = 0.001; output 30 × 10 = 0.0003 → 0.0018
        Assert.Equal(CostStatus.Computed, cost.Status);
        Assert.Equal(0.0018m, cost.Total);
        Assert.Equal((200L, 800L, 30L), (cost.Breakdown!.UncachedInput.Tokens, cost.Breakdown.CacheRead.Tokens,
            cost.Breakdown.Output.Tokens));
        Assert.False(cost.TokensEstimated);
    }

    [Fact]
    public void Compute_OpenAiResponsesWithReasoning_PricesReasoningAsOutputOnce()
    {
        // input_tokens 2000 (cached 1500); output_tokens 5000 of which reasoning_tokens 4500.
        var usage = ProviderUsage.OpenAiResponses(inputTokens: 2000, outputTokens: 5000, 1500, reasoningTokens: 4500);

        var cost = Compute(usage, "o3", "openai");

        // uncached 500 × 2 = 0.001; cached 1500 × 0.50 = 0.00075; visible 500 × 8 = 0.004;
        // reasoning 4500 × 8 = 0.036 → 0.04175 (not 0.07775, which would count reasoning twice)
        Assert.Equal(0.04175m, cost.Total);
        Assert.Equal(8.00m, cost.Breakdown!.Reasoning.PricePerMillion);
    }

    [Fact]
    public void Compute_OpenAiChatShapeGivesTheSameAsResponsesShape()
    {
        var chat = Compute(ProviderUsage.OpenAiChat(2000, 5000, cachedTokens: 1500, reasoningTokens: 4500), "o3");
        var responses = Compute(ProviderUsage.OpenAiResponses(2000, 5000, 1500, 4500), "o3");

        Assert.Equal(responses.Total, chat.Total);
    }

    [Fact]
    public void Compute_AnthropicRawUsage_AddsCacheReadAndCreationToTheUncachedInput()
    {
        // Raw Messages usage: input_tokens 3 (uncached remainder), cache_read 16,399, cache_creation 2,089, output 512.
        var usage = ProviderUsage.Anthropic(
            inputTokens: 3,
            outputTokens: 512,
            cacheReadInputTokens: 16_399,
            cacheCreationInputTokens: 2_089);

        var cost = Compute(usage, "claude-sonnet-4-5-20250929", "anthropic");

        // prompt 18,491 ≤ 200,000: base prices.
        // uncached 3 × 3 = 0.000009; read 16,399 × 0.30 = 0.0049197; write 2,089 × 3.75 = 0.00783375;
        // output 512 × 15 = 0.00768 → 0.02044245
        Assert.Equal(18_491, usage.Input);
        Assert.Equal(0.02044245m, cost.Total);
        Assert.Null(cost.Breakdown!.TierAboveInputTokens);
    }

    [Fact]
    public void Compute_AnthropicLongContext_TierChosenByWholePromptCacheIncluded()
    {
        // 150,000 uncached + 60,000 cache reads = 210,000 > 200,000, though the uncached part alone is below.
        var usage = ProviderUsage.Anthropic(inputTokens: 150_000, outputTokens: 1_000, cacheReadInputTokens: 60_000);

        var cost = Compute(usage, "claude-sonnet-4-5", "anthropic");

        // tier prices: uncached 150,000 × 6 = 0.9; read 60,000 × 0.60 = 0.036; output 1,000 × 22.50 = 0.0225
        // → 0.9585
        Assert.Equal(0.9585m, cost.Total);
        Assert.Equal(200_000, cost.Breakdown!.TierAboveInputTokens);
    }

    [Fact]
    public void Compute_GeminiThoughtsOutsideCandidates_AreAddedToOutputAndPriced()
    {
        // usageMetadata: promptTokenCount 12,000 (cachedContentTokenCount 10,000), candidates 800, thoughts 1,200.
        var usage = ProviderUsage.Gemini(
            promptTokenCount: 12_000,
            candidatesTokenCount: 800,
            cachedContentTokenCount: 10_000,
            thoughtsTokenCount: 1_200);

        var cost = Compute(usage, "gemini-2.5-pro", "gcp.gemini");

        // output = 800 + 1,200 = 2,000 (reasoning 1,200 inside it).
        // uncached 2,000 × 1.25 = 0.0025; cached 10,000 × 0.125 = 0.00125; visible 800 × 10 = 0.008;
        // thoughts 1,200 × 10 = 0.012 → 0.02375
        Assert.Equal(2_000, usage.Output);
        Assert.Equal(0.02375m, cost.Total);
    }

    [Theory]
    [InlineData(200_000, 0.26)] // base: 200,000 × 1.25 = 0.25; 1,000 × 10 = 0.01
    [InlineData(200_001, 0.5150025)] // tier: 200,001 × 2.50 = 0.5000025; 1,000 × 15 = 0.015
    public void Compute_GeminiPromptAtTheThreshold_OnlyAboveItUsesTheTier(long prompt, double expected)
    {
        var cost = Compute(ProviderUsage.Gemini(prompt, 1_000), "gemini-2.5-pro");

        Assert.Equal((decimal)expected, cost.Total);
    }

    [Fact]
    public void Compute_GeminiToolUsePromptTokens_CountAsInput()
    {
        // promptTokenCount 1,000 plus toolUsePromptTokenCount 500; candidates 100.
        var cost = Compute(ProviderUsage.Gemini(1_000, 100, toolUsePromptTokenCount: 500), "gemini-2.5-pro");

        // input 1,500 × 1.25 = 0.001875; output 100 × 10 = 0.001 → 0.002875
        Assert.Equal(0.002875m, cost.Total);
    }

    [Fact]
    public void Compute_OTelGenAiAttributes_MappedInclusiveAndPricedWithoutDoubleCounting()
    {
        var entity = Mapped(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.provider.name", "openai"),
            A("gen_ai.request.model", "gpt-4o"),
            A("gen_ai.response.model", "gpt-4o-2024-08-06"),
            A("gen_ai.usage.input_tokens", 1000L),
            A("gen_ai.usage.cache_read.input_tokens", 800L),
            A("gen_ai.usage.output_tokens", 30L));

        var cost = SpanCosting.Price(entity, _calculator, null).Cost;

        // Same usage as the chat fixture: 200 × 2.50 + 800 × 1.25 + 30 × 10 per million → 0.0018
        Assert.Equal(0.0018m, cost.Total);
    }

    [Fact]
    public void Compute_OTelGenAiAttributesWithRawAnthropicCounts_AreRepairedThenPriced()
    {
        // A non-compliant instrumentation copies Anthropic's uncached input_tokens into gen_ai.usage.input_tokens.
        var entity = Mapped(
            A("gen_ai.provider.name", "anthropic"),
            A("gen_ai.request.model", "claude-sonnet-4-5"),
            A("gen_ai.usage.input_tokens", 3L),
            A("gen_ai.usage.cache_read.input_tokens", 16_399L),
            A("gen_ai.usage.cache_creation.input_tokens", 2_089L),
            A("gen_ai.usage.output_tokens", 512L));

        var cost = SpanCosting.Price(entity, _calculator, null).Cost;

        // The same request as the raw Anthropic fixture → 0.02044245
        Assert.Equal(0.02044245m, cost.Total);
    }

    [Fact]
    public void Compute_OpenInferenceAttributes_PricedFromInclusivePromptCount()
    {
        var entity = Mapped(
            A("openinference.span.kind", "LLM"),
            A("llm.model_name", "claude-haiku-4-5"),
            A("llm.provider", "anthropic"),
            A("llm.token_count.prompt", 5_000L),
            A("llm.token_count.prompt_details.cache_read", 4_000L),
            A("llm.token_count.prompt_details.cache_write", 500L),
            A("llm.token_count.completion", 200L));

        var cost = SpanCosting.Price(entity, _calculator, null).Cost;

        // uncached 500 × 1 = 0.0005; read 4,000 × 0.10 = 0.0004; write 500 × 1.25 = 0.000625;
        // output 200 × 5 = 0.001 → 0.002525
        Assert.Equal(0.002525m, cost.Total);
    }

    [Fact]
    public void Compute_ReasoningPricedApart_UsesItsOwnPrice()
    {
        var cost = Compute(new SpanUsage(Input: 100, Output: 1_000, Reasoning: 600), "thinker");

        // input 100 × 1 = 0.0001; visible 400 × 10 = 0.004; reasoning 600 × 20 = 0.012 → 0.0161
        Assert.Equal(0.0161m, cost.Total);
    }

    [Fact]
    public void Compute_PriceChangeOnMarchFirst_SpansBeforeKeepTheOldPrice()
    {
        var usage = new SpanUsage(Input: 1_000, Output: 1_000);

        var before = _calculator.Compute("p1", usage, "acme", null, Mar1.AddSeconds(-1));
        var after = _calculator.Compute("p1", usage, "acme", null, Mar1);

        // before: 1,000 × 1 + 1,000 × 2 = 0.003; from March 1: 1,000 × 0.50 + 1,000 × 1 = 0.0015
        Assert.Equal(0.003m, before.Total);
        Assert.Equal(0.0015m, after.Total);
    }

    [Fact]
    public void Compute_SpanBeforeAnyPriceOfItsModel_IsUnpriced()
    {
        var cost = _calculator.Compute("p1", new SpanUsage(1_000, 1_000), "acme", null, Jan1.AddDays(-1));

        Assert.Equal(CostStatus.Unpriced, cost.Status);
        Assert.Null(cost.Total);
    }

    [Fact]
    public void Compute_UnknownModel_IsUnpricedNeverZero()
    {
        var cost = Compute(new SpanUsage(Input: 1_000, Output: 100), "brand-new-model-9000", "newco");

        Assert.Equal(CostStatus.Unpriced, cost.Status);
        Assert.Null(cost.Total);
        Assert.Null(cost.DetailsJson());
        Assert.Contains("brand-new-model-9000", cost.Reason, StringComparison.Ordinal);
        Assert.Contains("newco", cost.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NoModel_IsUnpriced()
    {
        Assert.Equal(CostStatus.Unpriced, Compute(new SpanUsage(10, 10), model: null).Status);
    }

    [Fact]
    public void Compute_NoUsage_IsNoUsageNotZero()
    {
        var cost = Compute(usage: null, "gpt-4o");

        Assert.Equal(CostStatus.NoUsage, cost.Status);
        Assert.Null(cost.Total);
    }

    [Fact]
    public void Compute_ZeroTokensReported_IsAComputedZero()
    {
        var cost = Compute(new SpanUsage(Input: 0, Output: 0), "gpt-4o");

        Assert.Equal(CostStatus.Computed, cost.Status);
        Assert.Equal(0m, cost.Total);
    }

    [Fact]
    public void Compute_ClientReportedCost_WinsOverComputed()
    {
        var cost = _calculator.Compute("p1", new SpanUsage(1_000, 30), "gpt-4o", "openai", _at, reportedCost: 0.5m);

        Assert.Equal(CostStatus.Reported, cost.Status);
        Assert.Equal(0.5m, cost.Total);
        Assert.Null(cost.Breakdown);
    }

    [Fact]
    public void Compute_ReportedCostForUnknownModel_IsStillReported()
    {
        var cost = _calculator.Compute("p1", null, "brand-new-model", null, _at, reportedCost: 0.0042m);

        Assert.Equal((CostStatus.Reported, 0.0042m), (cost.Status, cost.Total));
    }

    [Fact]
    public void Compute_CacheCountsLargerThanInput_ClampNeverNegative()
    {
        // Inconsistent counts from a caller that skipped ingestion's repair: input 100 with 150 cache reads.
        var cost = Compute(new SpanUsage(Input: 100, Output: 0, CacheRead: 150), "gpt-4o");

        // The cache reads stand; the uncached remainder is 0, not -50: 150 × 1.25 = 0.0001875
        Assert.Equal(0, cost.Breakdown!.UncachedInput.Tokens);
        Assert.Equal(0.0001875m, cost.Total);
    }

    [Fact]
    public void DetailsJson_ComputedCost_ListsUsdPerBucketAndTotal()
    {
        var cost = Compute(ProviderUsage.OpenAiChat(1000, 30, cachedTokens: 800), "gpt-4o");

        Assert.Equal("""{"input":0.0005,"cache_read":0.001,"output":0.0003,"total":0.0018}""", cost.DetailsJson());
    }

    /// <summary>A span through the real OTLP mapping, started at the test's instant.</summary>
    private static SpanEntity Mapped(params KeyValue[] attributes)
    {
        var entity = MapOne(SpanWith(attributes));
        entity.StartTimeUnixNano = UnixNanos.FromDateTimeOffset(_at);
        return entity;
    }

    private static CostResult Compute(SpanUsage? usage, string? model, string? provider = null)
        => _calculator.Compute("p1", usage, model, provider, _at);
}
