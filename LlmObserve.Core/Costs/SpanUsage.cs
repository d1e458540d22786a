using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Costs;

/// <summary>
/// A span's token usage with the store's inclusive semantics (CONVENTIONS.md §6): <see cref="Input"/> includes
/// cache reads and writes, <see cref="Output"/> includes reasoning. Build one from a stored span
/// (<see cref="FromSpan"/>) or from a provider's own usage object (<see cref="ProviderUsage"/>).
/// </summary>
/// <param name="Input">All input tokens, cached ones included.</param>
/// <param name="Output">All output tokens, reasoning included.</param>
/// <param name="CacheRead">Input tokens read from the prompt cache (part of <paramref name="Input"/>).</param>
/// <param name="CacheWrite">Input tokens written to the prompt cache (part of <paramref name="Input"/>).</param>
/// <param name="Reasoning">Reasoning or thinking tokens (part of <paramref name="Output"/>).</param>
/// <param name="Estimated">True when the counts were estimated from text rather than reported.</param>
public sealed record SpanUsage(
    long? Input,
    long? Output,
    long? CacheRead = null,
    long? CacheWrite = null,
    long? Reasoning = null,
    bool Estimated = false)
{
    /// <summary>True when no count at all is known.</summary>
    public bool IsEmpty => Input is null && Output is null && CacheRead is null && CacheWrite is null
        && Reasoning is null;

    /// <summary>The usage stored on a span, or null when it has none.</summary>
    public static SpanUsage? FromSpan(SpanEntity span)
    {
        var usage = new SpanUsage(
            span.InputTokens,
            span.OutputTokens,
            span.CacheReadTokens,
            span.CacheWriteTokens,
            span.ReasoningTokens,
            span.UsageEstimated);
        return usage.IsEmpty ? null : usage;
    }

    /// <summary>
    /// Splits the inclusive counts into the exclusive buckets that prices apply to. Subsets larger than their
    /// whole (which ingestion repairs, but a caller may not have) are taken as they are and the remainder is
    /// clamped at zero, so a bucket is never negative and no token is priced twice.
    /// </summary>
    public UsageBuckets ToBuckets()
    {
        var cacheRead = Math.Max(0, CacheRead ?? 0);
        var cacheWrite = Math.Max(0, CacheWrite ?? 0);
        var input = Math.Max(Input ?? 0, cacheRead + cacheWrite);
        var reasoning = Math.Max(0, Reasoning ?? 0);
        var output = Math.Max(Output ?? 0, reasoning);
        return new UsageBuckets(
            UncachedInput: input - cacheRead - cacheWrite,
            CacheRead: cacheRead,
            CacheWrite: cacheWrite,
            VisibleOutput: output - reasoning,
            Reasoning: reasoning);
    }
}

/// <summary>Exclusive token buckets: each token is in exactly one, so each is priced once.</summary>
public readonly record struct UsageBuckets(
    long UncachedInput,
    long CacheRead,
    long CacheWrite,
    long VisibleOutput,
    long Reasoning)
{
    /// <summary>The prompt size that picks a price tier: all input tokens, cached ones included.</summary>
    public long PromptTokens => UncachedInput + CacheRead + CacheWrite;

    public long OutputTokens => VisibleOutput + Reasoning;
}
