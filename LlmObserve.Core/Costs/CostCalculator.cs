using System.Globalization;

namespace LlmObserve.Core.Costs;

/// <summary>
/// Prices spans against one <see cref="PriceTable"/> snapshot. Cheap to create and safe to share between threads;
/// make a new one when the snapshot changes.
/// </summary>
/// <remarks>
/// The rules, in order: a cost the client reported wins; no usage means no cost (not $0); a model without a
/// matching price is unpriced (not $0); otherwise each exclusive bucket (<see cref="SpanUsage.ToBuckets"/>) is
/// multiplied by its price. Cache reads and writes without a price of their own are charged as uncached input,
/// reasoning without one as output. A long-context tier is chosen by the whole prompt, cache included, and then
/// prices every bucket of the request. Amounts are decimal and never rounded here.
/// </remarks>
public sealed class CostCalculator(PriceTable prices)
{
    public PriceTable Prices => prices;

    /// <summary>The cost of one span.</summary>
    /// <param name="projectId">The span's project, for project price overrides.</param>
    /// <param name="usage">The span's inclusive token usage; null when it has none.</param>
    /// <param name="model">The model that answered (or was asked for).</param>
    /// <param name="provider">The provider, canonical or as sent.</param>
    /// <param name="startTime">When the span started: the price effective then applies.</param>
    /// <param name="reportedCost">The cost in USD the client reported, if any.</param>
    public CostResult Compute(
        string? projectId,
        SpanUsage? usage,
        string? model,
        string? provider,
        DateTimeOffset startTime,
        decimal? reportedCost = null)
    {
        var estimated = usage?.Estimated ?? false;
        if (reportedCost is >= 0)
        {
            return new CostResult { Status = CostStatus.Reported, Total = reportedCost, TokensEstimated = estimated };
        }

        if (usage is null || usage.IsEmpty)
        {
            return new CostResult
            {
                Status = CostStatus.NoUsage,
                Reason = "The span reports no token usage and no cost.",
            };
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            return new CostResult
            {
                Status = CostStatus.Unpriced,
                TokensEstimated = estimated,
                Reason = "The span names no model, so no price applies.",
            };
        }

        var price = prices.Resolve(projectId, model, provider, startTime);
        if (price is null)
        {
            var from = string.IsNullOrEmpty(provider) ? string.Empty : $" from {provider}";
            var when = startTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            return new CostResult
            {
                Status = CostStatus.Unpriced,
                TokensEstimated = estimated,
                Reason = $"No price for model '{model}'{from} effective at {when} UTC. "
                    + "Add a price for it to the model price table.",
            };
        }

        var breakdown = Price(price, usage.ToBuckets());
        return new CostResult
        {
            Status = CostStatus.Computed,
            Total = breakdown.Total,
            TokensEstimated = estimated,
            Breakdown = breakdown,
            Price = price,
        };
    }

    /// <summary>Applies one entry to usage buckets, choosing the long-context tier by prompt size.</summary>
    public static CostBreakdown Price(ModelPrice price, UsageBuckets buckets)
    {
        var tier = price.Tiers
            .Where(t => buckets.PromptTokens > t.AboveInputTokens)
            .MaxBy(t => t.AboveInputTokens);

        var input = tier?.InputPerMillion ?? price.InputPerMillion;
        var output = tier?.OutputPerMillion ?? price.OutputPerMillion;
        var cacheRead = (tier is null ? price.CacheReadPerMillion : tier.CacheReadPerMillion) ?? input;
        var cacheWrite = (tier is null ? price.CacheWritePerMillion : tier.CacheWritePerMillion) ?? input;
        var reasoning = (tier is null ? price.ReasoningPerMillion : tier.ReasoningPerMillion) ?? output;

        return new CostBreakdown(
            CostLine.Of(buckets.UncachedInput, input),
            CostLine.Of(buckets.CacheRead, cacheRead),
            CostLine.Of(buckets.CacheWrite, cacheWrite),
            CostLine.Of(buckets.VisibleOutput, output),
            CostLine.Of(buckets.Reasoning, reasoning),
            tier?.AboveInputTokens);
    }
}
