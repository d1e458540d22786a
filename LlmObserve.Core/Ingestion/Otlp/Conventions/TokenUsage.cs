using System.Text.Json;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// Token counts with the store's inclusive semantics (CONVENTIONS.md §6): input includes cache reads and writes,
/// output includes reasoning, the cache and reasoning counts are subsets.
/// </summary>
internal sealed record TokenUsage(
    long? Input,
    long? Output,
    long? CacheRead,
    long? CacheWrite,
    long? Reasoning,
    long? Total)
{
    public bool IsEmpty => Input is null && Output is null && CacheRead is null && CacheWrite is null
        && Reasoning is null && Total is null;

    /// <summary>The usage attributes of a span, each count taken from the first name that has it (§7).</summary>
    public static TokenUsage FromAttributes(AttributeBag bag) => new(
        Input: bag.FirstLong(
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.prompt_tokens",
            "llm.token_count.prompt",
            "ai.usage.inputTokens",
            "ai.usage.promptTokens",
            "ai.usage.tokens"),
        Output: bag.FirstLong(
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens",
            "llm.token_count.completion",
            "ai.usage.outputTokens",
            "ai.usage.completionTokens"),
        CacheRead: bag.FirstLong(
            "gen_ai.usage.cache_read.input_tokens",
            "gen_ai.usage.cache_read_input_tokens",
            "llm.token_count.prompt_details.cache_read",
            "ai.usage.inputTokenDetails.cacheReadTokens",
            "ai.usage.cachedInputTokens"),
        CacheWrite: bag.FirstLong(
            "gen_ai.usage.cache_write.input_tokens",
            "gen_ai.usage.cache_creation.input_tokens",
            "gen_ai.usage.cache_creation_input_tokens",
            "llm.token_count.prompt_details.cache_write",
            "ai.usage.inputTokenDetails.cacheWriteTokens"),
        Reasoning: bag.FirstLong(
            "gen_ai.usage.reasoning.output_tokens",
            "gen_ai.usage.reasoning_tokens",
            "llm.usage.reasoning_tokens",
            "llm.token_count.completion_details.reasoning",
            "ai.usage.reasoningTokens",
            "ai.usage.outputTokenDetails.reasoningTokens"),
        Total: bag.FirstLong(
            "gen_ai.usage.total_tokens",
            "llm.usage.total_tokens",
            "llm.token_count.total",
            "ai.usage.totalTokens"));

    /// <summary>
    /// Langfuse <c>usage_details</c>: free-form keys with exclusive buckets (<c>input</c> excludes cached tokens,
    /// <c>output</c> excludes reasoning), turned inclusive by summing each side's buckets.
    /// </summary>
    public static TokenUsage? FromLangfuseDetails(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } details)
        {
            return null;
        }

        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in details.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var number)
                && double.IsFinite(number))
            {
                counts[property.Name] = (long)Math.Round(number);
            }
        }

        if (counts.Count == 0)
        {
            return null;
        }

        long? First(params string[] keys) => keys.Where(counts.ContainsKey).Select(key => (long?)counts[key])
            .FirstOrDefault();

        // Raw OpenAI usage objects are accepted as they are; their prompt/completion counts are already inclusive.
        if (counts.ContainsKey("prompt_tokens") || counts.ContainsKey("completion_tokens"))
        {
            return new TokenUsage(
                counts.GetValueOrDefault("prompt_tokens"),
                counts.GetValueOrDefault("completion_tokens"),
                First("cached_tokens", "input_cached_tokens"),
                First("cache_write_tokens", "input_cache_creation"),
                First("reasoning_tokens", "output_reasoning_tokens"),
                First("total_tokens", "total"));
        }

        long? Sum(Func<string, bool> side)
        {
            var keys = counts.Keys.Where(side).ToList();
            return keys.Count == 0 ? null : keys.Sum(key => counts[key]);
        }

        static bool IsInput(string key)
            => key.StartsWith("input", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("cache_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("prompt", StringComparison.OrdinalIgnoreCase);

        static bool IsOutput(string key)
            => key.StartsWith("output", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("reasoning", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("completion", StringComparison.OrdinalIgnoreCase);

        return new TokenUsage(
            Sum(IsInput),
            Sum(IsOutput),
            First("input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cache_read_tokens"),
            First("input_cache_creation", "cache_creation_input_tokens", "input_cache_write", "cache_write_tokens"),
            First("output_reasoning_tokens", "output_reasoning", "reasoning_tokens"),
            First("total"));
    }

    /// <summary>
    /// Repairs counts that break the inclusive rules (P4): cache reads and writes larger than the input mean the
    /// input was the provider's uncached remainder (raw Anthropic counts), so the parts are summed; reasoning
    /// larger than the output means output excluded it (raw Gemini counts). Total is the provider's unless it is
    /// missing or smaller than input + output.
    /// </summary>
    public TokenUsage Normalize()
    {
        var input = Input;
        var cached = (CacheRead ?? 0) + (CacheWrite ?? 0);
        if (input is { } uncached && cached > uncached)
        {
            input = uncached + cached;
        }

        var output = Output;
        if (output is { } visible && Reasoning is { } reasoning && reasoning > visible)
        {
            output = visible + reasoning;
        }

        long? computed = input is null && output is null ? null : (input ?? 0) + (output ?? 0);
        var total = Total is { } reported && (computed is null || reported >= computed) ? reported : computed;
        return this with { Input = input, Output = output, Total = total };
    }
}
