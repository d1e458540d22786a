using System.Globalization;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion;

/// <summary>
/// The last check every span passes before the writer, whatever transport brought it: numbers that no real model
/// call produces (token counts near 2^63, costs of 1e308) are dropped with a message, so they can neither overflow
/// the trace totals for everyone sharing a commit nor make a stored trace unreadable.
/// </summary>
public static class SpanPlausibility
{
    /// <summary>More tokens than any single call uses; sums of these over a trace stay far from overflow.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary>More US dollars than any single call costs.</summary>
    public const double MaxCost = 1_000_000_000;

    /// <summary>Clears implausible values and returns one message per cleared field (empty when none).</summary>
    public static IReadOnlyList<string> Apply(SpanEntity span)
    {
        List<string>? problems = null;

        span.InputTokens = Tokens(span.InputTokens, "input", ref problems);
        span.OutputTokens = Tokens(span.OutputTokens, "output", ref problems);
        span.CacheReadTokens = Tokens(span.CacheReadTokens, "cache read", ref problems);
        span.CacheWriteTokens = Tokens(span.CacheWriteTokens, "cache write", ref problems);
        span.ReasoningTokens = Tokens(span.ReasoningTokens, "reasoning", ref problems);
        span.TotalTokens = Tokens(span.TotalTokens, "total", ref problems);

        if (span.Cost is { } cost && (!double.IsFinite(cost) || cost < 0 || cost > MaxCost))
        {
            (problems ??= []).Add(string.Create(
                CultureInfo.InvariantCulture,
                $"cost {cost} is outside 0 to {MaxCost:0} USD and was dropped"));
            span.Cost = null;
            span.CostReported = false;
            span.CostDetailsJson = null;
        }

        return problems ?? (IReadOnlyList<string>)[];
    }

    private static long? Tokens(long? value, string field, ref List<string>? problems)
    {
        if (value is not { } count || count is >= 0 and <= MaxTokens)
        {
            return value;
        }

        (problems ??= []).Add(string.Create(
            CultureInfo.InvariantCulture,
            $"{field} token count {count} is outside 0 to {MaxTokens} and was dropped"));
        return null;
    }
}
