using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmObserve.Core.Metrics;

/// <summary>Calls, tokens and cost that a trace (or one model within it) adds to the rollups.</summary>
public sealed record UsageShare(
    long Calls,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long ReasoningTokens,
    long TotalTokens,
    long CostNanoUsd,
    long UnpricedCalls,
    long EstimatedCalls);

/// <summary>The share of one model the trace called.</summary>
public sealed record ModelShare(string Model, UsageShare Usage);

/// <summary>
/// Everything one trace adds to the rollups: where it falls (start, environment, user, session), whether it
/// failed, how long it took, its totals, its share per model, and the models its spans named
/// (<see cref="TraceModels"/>, the trace's model list; null in contributions stored before it was kept).
/// </summary>
public sealed record TraceContribution(
    long StartUnixSeconds,
    string Environment,
    string? UserId,
    string? SessionId,
    bool Error,
    long LatencyMicros,
    UsageShare Totals,
    IReadOnlyList<ModelShare> Models,
    IReadOnlyList<string>? TraceModels = null)
{
    /// <summary>
    /// The models the trace's actor slices are kept under: its model list, or for a contribution stored before that
    /// was kept, the models of its calls; <see cref="RollupMaintainer.NoModel"/> when there is none.
    /// </summary>
    public IReadOnlyList<string> SliceModels()
    {
        var models = TraceModels ?? [.. Models.Select(m => m.Model)];
        return models.Count == 0 ? [RollupMaintainer.NoModel] : models;
    }

    /// <summary>A trace's model list as stored (comma separated, older rows ", "), as a list.</summary>
    public static IReadOnlyList<string> SplitModels(string? models)
        => string.IsNullOrEmpty(models)
            ? []
            : models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string ToJson() => JsonSerializer.Serialize(this, ContributionJsonContext.Default.TraceContribution);

    public static TraceContribution? FromJson(string? json)
        => string.IsNullOrEmpty(json)
            ? null
            : JsonSerializer.Deserialize(json, ContributionJsonContext.Default.TraceContribution);

    /// <summary>Nanodollars of a cost in dollars, rounded; rollups add integers so retractions are exact.</summary>
    public static long ToNanoUsd(double? costUsd)
        => costUsd is { } cost && double.IsFinite(cost) ? (long)Math.Round(cost * 1e9) : 0;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TraceContribution))]
internal sealed partial class ContributionJsonContext : JsonSerializerContext;
