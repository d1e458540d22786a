using System.Globalization;
using System.Text.Json;
using LlmObserve.Core.Ingestion.Otlp.Proto;

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

    /// <summary>
    /// The usage attributes of a span, each count taken from the first name that has it (§7). A count that is not
    /// a whole number of tokens of 0 or more (negative, fractional, not a number) is a client error: it is named in
    /// <paramref name="problems"/> and, since the other counts of the same usage cannot be trusted beside it, the
    /// caller drops the span's usage while keeping the span.
    /// </summary>
    public static TokenUsage FromAttributes(AttributeBag bag, List<string> problems) => new(
        Input: Count(
            bag,
            problems,
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.prompt_tokens",
            "llm.token_count.prompt",
            "ai.usage.inputTokens",
            "ai.usage.promptTokens",
            "ai.usage.tokens"),
        Output: Count(
            bag,
            problems,
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens",
            "llm.token_count.completion",
            "ai.usage.outputTokens",
            "ai.usage.completionTokens"),
        CacheRead: Count(
            bag,
            problems,
            "gen_ai.usage.cache_read.input_tokens",
            "gen_ai.usage.cache_read_input_tokens",
            "llm.token_count.prompt_details.cache_read",
            "ai.usage.inputTokenDetails.cacheReadTokens",
            "ai.usage.cachedInputTokens"),
        CacheWrite: Count(
            bag,
            problems,
            "gen_ai.usage.cache_write.input_tokens",
            "gen_ai.usage.cache_creation.input_tokens",
            "gen_ai.usage.cache_creation_input_tokens",
            "llm.token_count.prompt_details.cache_write",
            "ai.usage.inputTokenDetails.cacheWriteTokens"),
        Reasoning: Count(
            bag,
            problems,
            "gen_ai.usage.reasoning.output_tokens",
            "gen_ai.usage.reasoning_tokens",
            "llm.usage.reasoning_tokens",
            "llm.token_count.completion_details.reasoning",
            "ai.usage.reasoningTokens",
            "ai.usage.outputTokenDetails.reasoningTokens"),
        Total: Count(
            bag,
            problems,
            "gen_ai.usage.total_tokens",
            "llm.usage.total_tokens",
            "llm.token_count.total",
            "ai.usage.totalTokens"));

    /// <summary>
    /// Langfuse <c>usage_details</c>: free-form keys with exclusive buckets (<c>input</c> excludes cached tokens,
    /// <c>output</c> excludes reasoning), turned inclusive by summing each side's buckets.
    /// </summary>
    /// <remarks>A negative or fractional count is reported in <paramref name="problems"/>, as for attributes.</remarks>
    public static TokenUsage? FromLangfuseDetails(JsonElement? json, List<string> problems)
    {
        if (json is not { ValueKind: JsonValueKind.Object } details)
        {
            return null;
        }

        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in details.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number)
            {
                continue;
            }

            if (property.Value.TryGetInt64(out var count) && count >= 0)
            {
                counts[property.Name] = count;
            }
            else
            {
                var key = $"langfuse.observation.usage_details.{property.Name}";
                problems.Add(NotACount(key, property.Value.GetRawText()));
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

    private static long? Count(AttributeBag bag, List<string> problems, params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (bag.Get(key) is not { } value)
            {
                continue;
            }

            if (WholeCount(value) is { } count)
            {
                return count;
            }

            // The first name present decides: falling through to an older name would hide the client's mistake.
            problems.Add(NotACount(key, AnyValueJson.ToText(value) ?? value.ValueCase.ToString()));
            return null;
        }

        return null;
    }

    /// <summary>A whole number of 0 or more, from an int, an integral double or a decimal string; else null.</summary>
    private static long? WholeCount(AnyValue value)
    {
        double real;
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.IntValue:
                return value.IntValue >= 0 ? value.IntValue : null;
            case AnyValue.ValueOneofCase.DoubleValue:
                real = value.DoubleValue;
                break;
            case AnyValue.ValueOneofCase.StringValue:
                var text = value.StringValue.Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed >= 0 ? parsed : null;
                }

                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out real))
                {
                    return null;
                }

                break;
            default:
                return null;
        }

        // 2^63 itself is not a long, so the bound is exclusive.
        return double.IsFinite(real) && real >= 0 && real < 9.2233720368547758E18 && Math.Floor(real) == real
            ? (long)real
            : null;
    }

    private static string NotACount(string key, string value)
        => $"{key} is {Shorten(value)}, not a whole number of tokens of 0 or more; the span's token usage was dropped";

    /// <summary>The sum of two counts of 0 or more, at most <see cref="long.MaxValue"/>.</summary>
    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>
    /// Repairs counts that break the inclusive rules (P4): cache reads and writes larger than the input mean the
    /// input was the provider's uncached remainder (raw Anthropic counts), so the parts are summed; reasoning
    /// larger than the output means output excluded it (raw Gemini counts). Total is the provider's unless it is
    /// missing or smaller than input + output. Sums stop at <see cref="long.MaxValue"/> rather than wrap, so a count
    /// too large to be real stays one, and the plausibility check names it instead of a negative total.
    /// </summary>
    public TokenUsage Normalize()
    {
        var input = Input;
        var cached = Add(CacheRead ?? 0, CacheWrite ?? 0);
        if (input is { } uncached && cached > uncached)
        {
            input = Add(uncached, cached);
        }

        var output = Output;
        if (output is { } visible && Reasoning is { } reasoning && reasoning > visible)
        {
            output = Add(visible, reasoning);
        }

        long? computed = input is null && output is null ? null : Add(input ?? 0, output ?? 0);
        var total = Total is { } reported && (computed is null || reported >= computed) ? reported : computed;
        return this with { Input = input, Output = output, Total = total };
    }
}
