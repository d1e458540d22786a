namespace LlmObserve.Core.Costs;

/// <summary>
/// How a price entry's <see cref="ModelPrice.Match"/> is compared with a span's model, stored in lower case.
/// </summary>
public static class ModelMatchKind
{
    /// <summary>The whole model id, ignoring case.</summary>
    public const string Exact = "exact";

    /// <summary>Ids starting with the text, ignoring case (<c>gpt-4o</c> matches <c>gpt-4o-2024-08-06</c>).</summary>
    public const string Prefix = "prefix";

    /// <summary>A .NET regular expression that must match the whole model id, ignoring case.</summary>
    public const string Pattern = "pattern";

    public static IReadOnlyList<string> All { get; } = [Exact, Prefix, Pattern];
}

/// <summary>
/// The price of a model from a date on, in US dollars per million tokens. One entry per (scope, provider, match,
/// effective date); a later entry for the same match is a price change and applies from its date only, so costs
/// already computed for older spans stay as they were. Which entry prices a span is decided by
/// <see cref="PriceTable"/>.
/// </summary>
/// <remarks>
/// Entries are global (<see cref="ProjectId"/> null, which the built-in defaults always are) or belong to one
/// project, which overrides the global table for that project's spans: a team with a negotiated rate or a private
/// deployment sets it where it applies without changing the others'.
/// </remarks>
public sealed class ModelPrice
{
    public long Id { get; set; }

    /// <summary>The project this entry applies to; null for every project.</summary>
    public string? ProjectId { get; set; }

    /// <summary>One of <see cref="ModelMatchKind"/>.</summary>
    public required string MatchKind { get; set; }

    /// <summary>The model id, prefix or pattern, as <see cref="MatchKind"/> says.</summary>
    public required string Match { get; set; }

    /// <summary>
    /// Canonical provider name (<c>openai</c>, <c>azure.ai.openai</c>, <c>anthropic</c> …) the entry is limited to;
    /// null for a model id served at the same price wherever it runs.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>The first instant (UTC) this price applies to.</summary>
    public DateTimeOffset EffectiveFrom { get; set; }

    /// <summary>Uncached input (prompt) tokens.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Output (completion) tokens, and reasoning unless <see cref="ReasoningPerMillion"/> is set.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Input tokens read from the provider's prompt cache; null: charged as uncached input.</summary>
    public decimal? CacheReadPerMillion { get; set; }

    /// <summary>Input tokens written to the prompt cache (cache creation); null: charged as uncached input.</summary>
    public decimal? CacheWritePerMillion { get; set; }

    /// <summary>Reasoning (thinking) tokens when the provider prices them apart; null: charged as output.</summary>
    public decimal? ReasoningPerMillion { get; set; }

    /// <summary>
    /// Prices for large prompts (long-context pricing), in increasing order of threshold. A request whose input,
    /// cache reads and writes included, is above a tier's threshold is priced entirely at that tier.
    /// </summary>
    public List<PriceTier> Tiers { get; set; } = [];

    /// <summary>The key of the built-in default this entry was seeded from; null for entries people made.</summary>
    public string? BuiltInKey { get; set; }

    /// <summary>Where the figures come from (a pricing page and when it was read), shown beside the entry.</summary>
    public string? Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A copy that shares nothing mutable with this entry.</summary>
    public ModelPrice Clone()
    {
        var copy = (ModelPrice)MemberwiseClone();
        copy.Tiers = [.. Tiers];
        return copy;
    }
}

/// <summary>
/// The prices that apply when a request's input is above <see cref="AboveInputTokens"/> tokens. Unset cache and
/// reasoning prices fall back to this tier's input and output prices, never to the base prices.
/// </summary>
public sealed record PriceTier
{
    public long AboveInputTokens { get; init; }

    public decimal InputPerMillion { get; init; }

    public decimal OutputPerMillion { get; init; }

    public decimal? CacheReadPerMillion { get; init; }

    public decimal? CacheWritePerMillion { get; init; }

    public decimal? ReasoningPerMillion { get; init; }
}

/// <summary>
/// Remembers which built-in defaults were seeded and with what content, so a later start adds new defaults and
/// updates untouched ones, but never brings back an entry someone deleted or overwrites one someone edited.
/// </summary>
public sealed class ModelPriceSeed
{
    public required string Key { get; set; }

    /// <summary>Fingerprint of the entry as it was seeded (<see cref="ModelPriceRules.ContentHash"/>).</summary>
    public required string ContentHash { get; set; }

    public DateTimeOffset SeededAt { get; set; }
}
