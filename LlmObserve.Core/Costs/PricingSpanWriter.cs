using LlmObserve.Core.Ingestion;

namespace LlmObserve.Core.Costs;

/// <summary>
/// Prices every span of a batch before handing it to the durable writer: estimated tokens for model calls that
/// reported none, the computed cost where the client reported none and a price applies. The work runs on the
/// request's thread, so the writer's one thread only stores.
/// </summary>
/// <remarks>
/// The price in force at each span's start is used (<see cref="PriceTable.Resolve"/>); a span re-sent later is
/// priced again but stored once, so a price change never reaches a span already stored.
/// </remarks>
public sealed class PricingSpanWriter(ISpanWriter inner, PriceTableProvider prices, TokenEstimator estimator)
    : ISpanWriter
{
    public Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var calculator = new CostCalculator(prices.Current);
        foreach (var span in batch.Spans)
        {
            if (span is not null)
            {
                SpanCosting.Price(span, calculator, estimator).ApplyTo(span);
            }
        }

        return inner.WriteAsync(batch, cancellationToken);
    }
}
