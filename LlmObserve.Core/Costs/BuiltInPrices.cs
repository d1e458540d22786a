using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmObserve.Core.Costs;

/// <summary>
/// The built-in default prices: <c>BuiltInPrices.json</c>, embedded in the assembly. Each entry has a stable key
/// (<see cref="ModelPrice.BuiltInKey"/>) and names its source; a price change is a new entry with a new key and
/// date, so seeding never reprices what was priced before.
/// </summary>
public static class BuiltInPrices
{
    private const string ResourceName = "LlmObserve.Core.Costs.BuiltInPrices.json";

    private static readonly Lazy<IReadOnlyList<ModelPrice>> _all = new(Load);

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Every default in canonical form. Fresh copies on each call, so callers may change them.</summary>
    public static IReadOnlyList<ModelPrice> All()
        => [.. _all.Value.Select(p => p.Clone())];

    private static List<ModelPrice> Load()
    {
        using var stream = typeof(BuiltInPrices).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the build.");
        var file = JsonSerializer.Deserialize<PriceFile>(stream, _json)
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");

        return [.. file.Prices.Select(entry =>
        {
            if (!file.Sources.TryGetValue(entry.Source, out var source))
            {
                throw new InvalidOperationException(
                    $"{ResourceName}: '{entry.Key}' names unknown source '{entry.Source}'.");
            }

            var price = new ModelPrice
            {
                BuiltInKey = entry.Key,
                MatchKind = entry.Kind,
                Match = entry.Match,
                Provider = entry.Provider,
                EffectiveFrom = DateTimeOffset.ParseExact(
                    entry.From,
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal),
                InputPerMillion = entry.Input,
                OutputPerMillion = entry.Output,
                CacheReadPerMillion = entry.CacheRead,
                CacheWritePerMillion = entry.CacheWrite,
                ReasoningPerMillion = entry.Reasoning,
                Tiers = [.. (entry.Tiers ?? []).Select(t => new PriceTier
                {
                    AboveInputTokens = t.Above,
                    InputPerMillion = t.Input,
                    OutputPerMillion = t.Output,
                    CacheReadPerMillion = t.CacheRead,
                    CacheWritePerMillion = t.CacheWrite,
                    ReasoningPerMillion = t.Reasoning,
                })],
                Source = $"{source} Recorded {file.Recorded}.",
            };
            ModelPriceRules.Normalize(price);
            return price;
        })];
    }

    private sealed record PriceFile(string Recorded, Dictionary<string, string> Sources, List<PriceEntry> Prices);

    private sealed record PriceEntry(
        string Key,
        string Source,
        string Kind,
        string Match,
        string? Provider,
        string From,
        decimal Input,
        decimal Output,
        decimal? CacheRead,
        decimal? CacheWrite,
        decimal? Reasoning,
        List<TierEntry>? Tiers);

    private sealed record TierEntry(
        long Above,
        decimal Input,
        decimal Output,
        decimal? CacheRead,
        decimal? CacheWrite,
        decimal? Reasoning);
}
