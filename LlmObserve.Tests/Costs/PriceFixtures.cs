using LlmObserve.Core.Costs;

namespace LlmObserve.Tests.Costs;

/// <summary>Price entries for tests, with the figures spelled out where they are used.</summary>
internal static class PriceFixtures
{
    public static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Mar1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Jun1 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static ModelPrice Price(
        string match,
        decimal input,
        decimal output,
        string kind = ModelMatchKind.Exact,
        DateTimeOffset? from = null,
        long id = 0,
        string? provider = null,
        string? project = null,
        decimal? cacheRead = null,
        decimal? cacheWrite = null,
        decimal? reasoning = null,
        string? builtInKey = null,
        params PriceTier[] tiers)
    {
        var price = new ModelPrice
        {
            Id = id,
            MatchKind = kind,
            Match = match,
            Provider = provider,
            ProjectId = project,
            EffectiveFrom = from ?? Jan1,
            InputPerMillion = input,
            OutputPerMillion = output,
            CacheReadPerMillion = cacheRead,
            CacheWritePerMillion = cacheWrite,
            ReasoningPerMillion = reasoning,
            BuiltInKey = builtInKey,
            Tiers = [.. tiers],
        };
        ModelPriceRules.Normalize(price);
        return price;
    }

    /// <summary>A table with ids assigned in order, as the store would.</summary>
    public static PriceTable Table(params ModelPrice[] prices)
    {
        for (var i = 0; i < prices.Length; i++)
        {
            if (prices[i].Id == 0)
            {
                prices[i].Id = i + 1;
            }
        }

        return new PriceTable(prices);
    }
}
