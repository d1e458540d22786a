namespace LlmObserve.Core.Costs;

/// <summary>
/// Turns a provider's own usage object into the inclusive <see cref="SpanUsage"/> (CONVENTIONS.md §6). The
/// providers disagree on what contains what, so each shape has its own door; OTel GenAI
/// (<c>gen_ai.usage.*</c>) and OpenInference (<c>llm.token_count.*</c>) counts are inclusive already and reach
/// <see cref="SpanUsage"/> through the ingestion mapping and <see cref="SpanUsage.FromSpan"/>.
/// </summary>
public static class ProviderUsage
{
    /// <summary>
    /// OpenAI Chat Completions <c>usage</c>: <c>cached_tokens</c> and <c>cache_write_tokens</c> are inside
    /// <c>prompt_tokens</c>; <c>reasoning_tokens</c> are inside <c>completion_tokens</c>.
    /// </summary>
    public static SpanUsage OpenAiChat(
        long promptTokens,
        long completionTokens,
        long? cachedTokens = null,
        long? reasoningTokens = null,
        long? cacheWriteTokens = null)
        => new(promptTokens, completionTokens, cachedTokens, cacheWriteTokens, reasoningTokens);

    /// <summary>
    /// OpenAI Responses <c>usage</c>: <c>input_tokens_details.cached_tokens</c> inside <c>input_tokens</c>,
    /// <c>output_tokens_details.reasoning_tokens</c> inside <c>output_tokens</c>.
    /// </summary>
    public static SpanUsage OpenAiResponses(
        long inputTokens,
        long outputTokens,
        long? cachedTokens = null,
        long? reasoningTokens = null)
        => new(inputTokens, outputTokens, cachedTokens, null, reasoningTokens);

    /// <summary>
    /// Anthropic Messages <c>usage</c>: <c>input_tokens</c> is only the uncached remainder, so the total input is
    /// it plus <c>cache_read_input_tokens</c> plus <c>cache_creation_input_tokens</c>; <c>output_tokens</c>
    /// includes thinking.
    /// </summary>
    public static SpanUsage Anthropic(
        long inputTokens,
        long outputTokens,
        long? cacheReadInputTokens = null,
        long? cacheCreationInputTokens = null,
        long? thinkingTokens = null)
        => new(
            inputTokens + (cacheReadInputTokens ?? 0) + (cacheCreationInputTokens ?? 0),
            outputTokens,
            cacheReadInputTokens,
            cacheCreationInputTokens,
            thinkingTokens);

    /// <summary>
    /// Gemini <c>usageMetadata</c>: <c>promptTokenCount</c> includes <c>cachedContentTokenCount</c>, but thoughts
    /// are outside <c>candidatesTokenCount</c> and tool-use prompt tokens outside <c>promptTokenCount</c>
    /// (<c>totalTokenCount</c> is the sum of all four), so both are added in.
    /// </summary>
    public static SpanUsage Gemini(
        long promptTokenCount,
        long candidatesTokenCount,
        long? cachedContentTokenCount = null,
        long? thoughtsTokenCount = null,
        long? toolUsePromptTokenCount = null)
        => new(
            promptTokenCount + (toolUsePromptTokenCount ?? 0),
            candidatesTokenCount + (thoughtsTokenCount ?? 0),
            cachedContentTokenCount,
            null,
            thoughtsTokenCount);
}
