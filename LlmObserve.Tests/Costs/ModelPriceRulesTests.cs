using LlmObserve.Core.Costs;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

public sealed class ModelPriceRulesTests
{
    [Fact]
    public void Validate_SoundEntry_HasNoErrors()
    {
        var price = Price(
            "claude-sonnet-4-5",
            3,
            15,
            ModelMatchKind.Prefix,
            cacheRead: 0.30m,
            cacheWrite: 3.75m,
            tiers: [new PriceTier { AboveInputTokens = 200_000, InputPerMillion = 6, OutputPerMillion = 22.50m }]);

        Assert.Empty(ModelPriceRules.Validate(price, []));
    }

    [Fact]
    public void Validate_NegativePrices_NameEachField()
    {
        var price = Price("acme", -1, 2, cacheRead: -0.1m, reasoning: -5);

        var errors = ModelPriceRules.Validate(price, []);

        Assert.Equal(
            [
                nameof(ModelPrice.InputPerMillion),
                nameof(ModelPrice.CacheReadPerMillion),
                nameof(ModelPrice.ReasoningPerMillion),
            ],
            errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Contains("must not be negative", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PricePerTokenTypedAsPerMillion_IsRefusedAsAUnitMistake()
    {
        var errors = ModelPriceRules.Validate(Price("acme", 2_500_000, 1), []);

        Assert.Contains("per million tokens", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameMatchAndEffectiveDateAsAnotherEntry_IsRefused()
    {
        var stored = Price("GPT-4o", 2.50m, 10, ModelMatchKind.Prefix, id: 7);
        var duplicate = Price("gpt-4o", 2.00m, 8, ModelMatchKind.Prefix);

        var error = Assert.Single(ModelPriceRules.Validate(duplicate, [stored]));

        Assert.Equal(nameof(ModelPrice.EffectiveFrom), error.Field);
        Assert.Contains("entry 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-01-01 00:00 UTC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameMatchOtherDateOrScopeOrProvider_IsAccepted()
    {
        var stored = Price("gpt-4o", 2.50m, 10, id: 7);

        Assert.Empty(ModelPriceRules.Validate(Price("gpt-4o", 2, 8, from: Mar1), [stored]));
        Assert.Empty(ModelPriceRules.Validate(Price("gpt-4o", 2, 8, project: "p1"), [stored]));
        Assert.Empty(ModelPriceRules.Validate(Price("gpt-4o", 2, 8, provider: "azure.ai.openai"), [stored]));
        Assert.Empty(ModelPriceRules.Validate(Price("gpt-4o", 2, 8, ModelMatchKind.Prefix), [stored]));
    }

    [Fact]
    public void Validate_EditingAnEntry_DoesNotClashWithItself()
    {
        var stored = Price("gpt-4o", 2.50m, 10, id: 7);
        var edited = Price("gpt-4o", 2.40m, 10, id: 7);

        Assert.Empty(ModelPriceRules.Validate(edited, [stored]));
    }

    [Theory]
    [InlineData("gpt-4o(", "does not compile")]
    [InlineData("[a-", "does not compile")]
    [InlineData("(a)\\1", "does not compile")]
    [InlineData("gpt(?=-4)", "does not compile")]
    public void Validate_PatternThatCannotRunSafely_IsRefusedWithTheReason(string pattern, string expected)
    {
        var error = Assert.Single(ModelPriceRules.Validate(Price(pattern, 1, 1, ModelMatchKind.Pattern), []));

        Assert.Equal(nameof(ModelPrice.Match), error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PatternThatWouldEscapeTheAnchors_IsRefused()
    {
        var errors = ModelPriceRules.Validate(Price("a)|(b", 1, 1, ModelMatchKind.Pattern), []);

        Assert.Equal(nameof(ModelPrice.Match), Assert.Single(errors).Field);
    }

    [Fact]
    public void Validate_TiersOutOfOrderOrNegative_NameTheTierField()
    {
        var price = Price(
            "acme",
            1,
            2,
            tiers:
            [
                new PriceTier { AboveInputTokens = 200_000, InputPerMillion = 2, OutputPerMillion = 4 },
                new PriceTier { AboveInputTokens = 128_000, InputPerMillion = 1.5m, OutputPerMillion = -3 },
                new PriceTier { AboveInputTokens = 0, InputPerMillion = 1, OutputPerMillion = 1 },
            ]);

        var errors = ModelPriceRules.Validate(price, []);

        Assert.Equal(
            ["Tiers[1].AboveInputTokens", "Tiers[1].OutputPerMillion", "Tiers[2].AboveInputTokens"],
            errors.Select(e => e.Field));
        Assert.Contains("increasing order", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("above 128,000 tokens", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyMatch_IsRefused()
    {
        var error = Assert.Single(ModelPriceRules.Validate(Price("  ", 1, 1), []));

        Assert.Equal(nameof(ModelPrice.Match), error.Field);
    }

    [Fact]
    public void Validate_UnknownMatchKind_IsRefused()
    {
        var error = Assert.Single(ModelPriceRules.Validate(Price("gpt-4o", 1, 1, kind: "fuzzy"), []));

        Assert.Equal(nameof(ModelPrice.MatchKind), error.Field);
    }

    [Fact]
    public void Normalize_ProviderAliasAndLocalTime_BecomeCanonical()
    {
        var price = new ModelPrice
        {
            MatchKind = " Prefix ",
            Match = "  gpt-4o ",
            Provider = "Azure",
            ProjectId = " ",
            EffectiveFrom = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)),
        };

        ModelPriceRules.Normalize(price);

        Assert.Equal(
            ("prefix", "gpt-4o", "azure.ai.openai", (string?)null),
            (price.MatchKind, price.Match, price.Provider, price.ProjectId));
        Assert.Equal(Jan1, price.EffectiveFrom);
        Assert.Equal(TimeSpan.Zero, price.EffectiveFrom.Offset);
    }
}
