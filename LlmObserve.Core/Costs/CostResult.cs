using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Costs;

/// <summary>How a span's cost is known.</summary>
public enum CostStatus
{
    /// <summary>Computed here from the token usage and the price table.</summary>
    Computed,

    /// <summary>Reported by the client; it wins over any computed cost.</summary>
    Reported,

    /// <summary>The span used tokens but no price entry matches its model, provider and time. Never $0.</summary>
    Unpriced,

    /// <summary>The span has no token usage (and no reported cost), so there is nothing to price.</summary>
    NoUsage,
}

/// <summary>A span's cost in US dollars, how it is known, and what it was made of.</summary>
public sealed record CostResult
{
    public required CostStatus Status { get; init; }

    /// <summary>The cost in USD; null when <see cref="Status"/> is unpriced or no usage.</summary>
    public decimal? Total { get; init; }

    /// <summary>True when the token counts behind the cost were estimated from the span's text.</summary>
    public bool TokensEstimated { get; init; }

    /// <summary>The cost per token bucket, for computed costs.</summary>
    public CostBreakdown? Breakdown { get; init; }

    /// <summary>The price entry used, for computed costs.</summary>
    public ModelPrice? Price { get; init; }

    /// <summary>Why there is no cost (unpriced, no usage), in words a person can act on.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// The breakdown as a JSON object for <see cref="SpanEntity.CostDetailsJson"/>: USD per bucket
    /// (<c>input</c>, <c>cache_read</c>, <c>cache_write</c>, <c>output</c>, <c>reasoning</c>) and <c>total</c>, the
    /// keys reported costs use. Null when there is no breakdown.
    /// </summary>
    public string? DetailsJson()
    {
        if (Breakdown is not { } breakdown)
        {
            return null;
        }

        var details = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(string key, CostLine line)
        {
            if (line.Tokens > 0)
            {
                details[key] = line.Cost;
            }
        }

        Add("input", breakdown.UncachedInput);
        Add("cache_read", breakdown.CacheRead);
        Add("cache_write", breakdown.CacheWrite);
        Add("output", breakdown.Output);
        Add("reasoning", breakdown.Reasoning);
        details["total"] = breakdown.Total;
        return JsonSerializer.Serialize(details, StoreJson.Options);
    }
}

/// <summary>The computed cost per exclusive token bucket, and the price tier that applied.</summary>
/// <param name="UncachedInput">Input tokens not served from or written to the cache.</param>
/// <param name="CacheRead">Input tokens read from the prompt cache.</param>
/// <param name="CacheWrite">Input tokens written to the prompt cache.</param>
/// <param name="Output">Output tokens other than reasoning.</param>
/// <param name="Reasoning">Reasoning tokens, at the reasoning price or else the output price.</param>
/// <param name="TierAboveInputTokens">The threshold of the long-context tier used; null for the base prices.</param>
public sealed record CostBreakdown(
    CostLine UncachedInput,
    CostLine CacheRead,
    CostLine CacheWrite,
    CostLine Output,
    CostLine Reasoning,
    long? TierAboveInputTokens)
{
    public decimal Total => UncachedInput.Cost + CacheRead.Cost + CacheWrite.Cost + Output.Cost + Reasoning.Cost;
}

/// <summary>One bucket: its tokens, the price per million tokens applied and the resulting USD.</summary>
public readonly record struct CostLine(long Tokens, decimal PricePerMillion, decimal Cost)
{
    public static CostLine Of(long tokens, decimal pricePerMillion)
        => new(tokens, pricePerMillion, tokens * pricePerMillion / 1_000_000m);
}
