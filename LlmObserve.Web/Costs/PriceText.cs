using System.Globalization;
using LlmObserve.Core.Costs;

namespace LlmObserve.Web.Costs;

/// <summary>How the settings page words prices and entries; every value is plain text for the page to escape.</summary>
public static class PriceText
{
    /// <summary>US dollars per million tokens: two decimals at least, more only when the price has them.</summary>
    public static string Usd(decimal value) => "$" + value.ToString("0.00########", CultureInfo.InvariantCulture);

    /// <summary>An optional price, or what is charged in its place when it is unset.</summary>
    public static string UsdOr(decimal? value, string fallback) => value is { } price ? Usd(price) : fallback;

    /// <summary>The start of a long text, marked as cut; the text itself when it is short enough.</summary>
    public static string? Shorten(string? text, int length)
        => text is null || text.Length <= length ? text : text[..length].TrimEnd() + "…";

    public static string Tokens(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An instant as a UTC date, with the time only when it is not midnight.</summary>
    public static string Date(DateTimeOffset value) => PriceDraft.FormatDate(value);

    public static string Provider(string? provider) => provider ?? "any";

    public static string Origin(ModelPrice entry) => entry.BuiltInKey is null ? "custom" : "built-in";

    public static string Scope(ModelPrice entry) => entry.ProjectId is null ? "all projects" : "this project";

    /// <summary>The tiers of an entry on one line each, e.g. "above 200,000: in $6.00 · out $22.50".</summary>
    public static IReadOnlyList<string> Tiers(ModelPrice entry) => [.. entry.Tiers.Select(Tier)];

    public static string Tier(PriceTier tier)
    {
        var parts = new List<string> { $"in {Usd(tier.InputPerMillion)}", $"out {Usd(tier.OutputPerMillion)}" };
        if (tier.CacheReadPerMillion is { } read)
        {
            parts.Add($"cache read {Usd(read)}");
        }

        if (tier.CacheWritePerMillion is { } write)
        {
            parts.Add($"cache write {Usd(write)}");
        }

        if (tier.ReasoningPerMillion is { } reasoning)
        {
            parts.Add($"reasoning {Usd(reasoning)}");
        }

        return $"above {Tokens(tier.AboveInputTokens)}: {string.Join(" · ", parts)}";
    }

    /// <summary>The match as a sentence: "gpt-4o exactly", "ids starting with gpt-4o", "ids matching /…/".</summary>
    public static string Match(ModelPrice entry) => entry.MatchKind switch
    {
        ModelMatchKind.Prefix => $"ids starting with {entry.Match}",
        ModelMatchKind.Pattern => $"ids matching /{entry.Match}/",
        _ => $"{entry.Match} exactly",
    };
}
