using LlmObserve.Core.Costs;

namespace LlmObserve.Tests.Costs;

/// <summary>The shipped defaults: valid, unique, sourced, and matching the model ids providers really return.</summary>
public sealed class BuiltInPricesTests
{
    private static readonly DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly PriceTable _table = new(BuiltInPrices.All().Select((p, i) =>
    {
        p.Id = i + 1;
        return p;
    }));

    [Fact]
    public void All_EveryDefault_IsValidBesideTheOthers()
    {
        var all = BuiltInPrices.All().Select((p, i) =>
        {
            p.Id = i + 1;
            return p;
        }).ToList();

        var errors = all.SelectMany(p => ModelPriceRules.Validate(p, all).Select(e => $"{p.BuiltInKey}: {e.Message}"));

        Assert.Empty(errors);
        Assert.Empty(_table.Problems);
    }

    [Fact]
    public void All_KeysAreUniqueAndEveryEntryNamesItsSource()
    {
        var all = BuiltInPrices.All();

        Assert.Equal(all.Count, all.Select(p => p.BuiltInKey).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, p => Assert.Contains("https://", p.Source, StringComparison.Ordinal));
        Assert.All(all, p => Assert.Null(p.ProjectId));
    }

    [Fact]
    public void All_CoversEachProviderAndEmbeddings()
    {
        var keys = BuiltInPrices.All().Select(p => p.BuiltInKey!).ToList();

        foreach (var provider in new[] { "openai/", "azure/", "anthropic/", "gemini/", "mistral/" })
        {
            Assert.Contains(keys, k => k.StartsWith(provider, StringComparison.Ordinal));
        }

        Assert.Contains(keys, k => k.Contains("embed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", "openai", 2.50)]
    [InlineData("gpt-4o-2024-05-13", "openai", 5.00)]
    [InlineData("gpt-4o", "openai", 2.50)]
    [InlineData("gpt-4o-mini-2024-07-18", "openai", 0.15)]
    [InlineData("gpt-4.1-mini-2025-04-14", null, 0.40)]
    [InlineData("gpt-5-2025-08-07", "openai", 1.25)]
    [InlineData("gpt-5-mini", "openai", 0.25)]
    [InlineData("o3-2025-04-16", "openai", 2.00)]
    [InlineData("o4-mini", "openai", 1.10)]
    [InlineData("text-embedding-3-small", "openai", 0.02)]
    [InlineData("gpt-35-turbo", "azure.ai.openai", 0.50)]
    [InlineData("gpt-4o-2024-11-20", "azure.ai.openai", 2.50)]
    [InlineData("claude-sonnet-4-5-20250929", "anthropic", 3.00)]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock", 3.00)]
    [InlineData("claude-opus-4-1@20250805", "gcp.vertex_ai", 15.00)]
    [InlineData("claude-opus-4-5-20251101", "anthropic", 5.00)]
    [InlineData("claude-haiku-4-5", "anthropic", 1.00)]
    [InlineData("claude-3-5-haiku-latest", "anthropic", 0.80)]
    [InlineData("models/gemini-2.5-flash", "gcp.gemini", 0.30)]
    [InlineData("gemini-2.5-flash-lite", "gcp.vertex_ai", 0.10)]
    [InlineData("mistral-small-2503", "mistral_ai", 0.10)]
    [InlineData("mistral-embed", "mistral_ai", 0.10)]
    public void Resolve_RealModelIds_FindTheirListPrice(string model, string? provider, double input)
    {
        var price = _table.Resolve("p1", model, provider, _now);

        Assert.Equal((decimal)input, price?.InputPerMillion);
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("claude-sonnet-4-5")]
    [InlineData("gemini-2.5-flash")]
    public void Resolve_SiblingModels_DoNotBorrowTheBigModelsPrice(string model)
    {
        var price = _table.Resolve("p1", model, null, _now)!;

        string[] bigger = ["openai/gpt-4o-dated", "anthropic/claude-sonnet-4", "gemini/gemini-2.5-pro"];
        Assert.DoesNotContain(price.BuiltInKey!, bigger);
    }

    [Theory]
    [InlineData("mistral-large-latest")]
    [InlineData("gpt-5.9-turbo")]
    [InlineData("my-finetune")]
    public void Resolve_MovingAliasesAndUnknownIds_StayUnpriced(string model)
    {
        Assert.Null(_table.Resolve("p1", model, null, _now));
    }

    [Fact]
    public void Resolve_O3_KeepsThePriceBeforeTheJune2025Cut()
    {
        var before = _table.Resolve(null, "o3", "openai", new DateTimeOffset(2025, 6, 9, 0, 0, 0, TimeSpan.Zero));
        var after = _table.Resolve(null, "o3", "openai", new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal((10.00m, 2.00m), (before?.InputPerMillion, after?.InputPerMillion));
    }
}
