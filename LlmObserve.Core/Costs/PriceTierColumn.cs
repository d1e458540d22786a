using System.Text.Json;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Costs;

/// <summary>Stores an entry's tiers as one JSON column: they are always read and written with their entry.</summary>
internal static class PriceTierColumn
{
    public static ValueConverter<List<PriceTier>, string> Converter { get; } = new(
        tiers => Write(tiers),
        json => Read(json));

    public static ValueComparer<List<PriceTier>> Comparer { get; } = new(
        (a, b) => a!.SequenceEqual(b!),
        tiers => tiers.Aggregate(0, (hash, tier) => HashCode.Combine(hash, tier)),
        tiers => tiers.ToList());

    private static string Write(List<PriceTier> tiers) => JsonSerializer.Serialize(tiers, StoreJson.Options);

    private static List<PriceTier> Read(string json)
        => string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<PriceTier>>(json, StoreJson.Options) ?? [];
}
