using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Costs;

/// <summary>A span's cost and the usage it was computed from (estimated when the span reported none).</summary>
/// <param name="Cost">The cost and how it is known.</param>
/// <param name="Usage">The usage priced: the span's own, or the estimate; null when there was none.</param>
/// <param name="Estimate">The token estimate made for the span, when one was made.</param>
public sealed record SpanCost(CostResult Cost, SpanUsage? Usage, TokenEstimate? Estimate)
{
    /// <summary>
    /// Writes the result onto the span as the store keeps it: estimated counts (marked as estimated) when there
    /// were none, and a computed cost with its breakdown. A reported cost is left as the client sent it; an
    /// unpriced span keeps a null cost, which with its token counts is what tells it apart from a free one.
    /// </summary>
    public void ApplyTo(SpanEntity span)
    {
        if (Estimate is { } estimate)
        {
            span.InputTokens = estimate.InputTokens;
            span.OutputTokens = estimate.OutputTokens;
            span.TotalTokens = estimate.InputTokens + estimate.OutputTokens;
            span.UsageEstimated = true;
        }

        if (Cost.Status == CostStatus.Computed)
        {
            span.Cost = (double)Cost.Total!.Value;
            span.CostReported = false;
            span.CostDetailsJson = Cost.DetailsJson();
        }
    }
}

/// <summary>
/// Prices a stored span the way ingestion will: its reported cost if it has one, else its usage, else (for model
/// calls with text) an estimate from that text.
/// </summary>
public static class SpanCosting
{
    /// <summary>The cost of one span.</summary>
    /// <param name="span">The span as mapped from the request.</param>
    /// <param name="calculator">A calculator over the current price snapshot.</param>
    /// <param name="estimator">Counts tokens of a model call with text but no usage; null never estimates.</param>
    public static SpanCost Price(SpanEntity span, CostCalculator calculator, TokenEstimator? estimator)
    {
        var usage = SpanUsage.FromSpan(span);
        TokenEstimate? estimate = null;
        if (usage is null && estimator is not null && IsModelCall(span))
        {
            estimate = estimator.Estimate(span.Model, span.InputText, span.OutputText);
            usage = estimate?.ToUsage();
        }

        decimal? reported = span.CostReported && span.Cost is { } cost && double.IsFinite(cost) && cost >= 0
            ? (decimal)cost
            : null;
        var result = calculator.Compute(
            span.ProjectId,
            usage,
            span.Model,
            span.Provider,
            UnixNanos.ToDateTimeOffset(span.StartTimeUnixNano),
            reported);
        return new SpanCost(result, usage, estimate);
    }

    /// <summary>
    /// Spans that are themselves a model call. Only these are estimated: a chain or agent span's text is also in
    /// its children's, so estimating it would count the same tokens twice (CONVENTIONS.md P12).
    /// </summary>
    public static bool IsModelCall(SpanEntity span)
        => span.Type is SpanType.Generation or SpanType.Embedding;
}
