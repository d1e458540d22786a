using Microsoft.ML.Tokenizers;

namespace LlmObserve.Core.Costs;

/// <summary>Token counts estimated from a span's text.</summary>
/// <param name="InputTokens">Tokens of the input text.</param>
/// <param name="OutputTokens">Tokens of the output text.</param>
/// <param name="Encoding">The tiktoken encoding counted with (<c>o200k_base</c> or <c>cl100k_base</c>).</param>
/// <param name="Approximate">
/// True when the encoding is not the model's own (every non-OpenAI model): the counts are then a rough estimate,
/// typically within a few tens of percent for English text.
/// </param>
public sealed record TokenEstimate(long InputTokens, long OutputTokens, string Encoding, bool Approximate)
{
    /// <summary>The estimate as usage, marked estimated.</summary>
    public SpanUsage ToUsage() => new(InputTokens, OutputTokens, Estimated: true);
}

/// <summary>
/// Counts tokens of text for spans that carry text but no usage, with OpenAI's tiktoken encodings from
/// Microsoft.ML.Tokenizers. The encodings ship inside the Microsoft.ML.Tokenizers.Data.* packages, so nothing is
/// downloaded at run time. o200k_base serves GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and the o-series; cl100k_base
/// serves older OpenAI models and embeddings, and stands in for every other provider, whose own tokenizers are
/// not available offline.
/// </summary>
/// <remarks>
/// The count covers the text only: the few tokens a chat format adds per message are not known here, and text cut
/// at ingestion for its size is counted as kept. Thread-safe; use <see cref="Shared"/>.
/// </remarks>
public sealed class TokenEstimator
{
    public const string O200kBase = "o200k_base";

    public const string Cl100kBase = "cl100k_base";

    private readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding(O200kBase));
    private readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding(Cl100kBase));

    /// <summary>One instance for the process; the encodings load on first use (a few hundred milliseconds).</summary>
    public static TokenEstimator Shared { get; } = new();

    /// <summary>The encoding for a model id, and whether it is that model's own.</summary>
    public static (string Encoding, bool Exact) EncodingFor(string? model)
    {
        var id = model?.Trim().ToLowerInvariant() ?? string.Empty;

        // Gateways and SDKs qualify ids ("openai/gpt-4o", "azure/gpt-4o"); the last segment is the model.
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            id = id[(slash + 1)..];
        }

        if (id.StartsWith("gpt-4o", StringComparison.Ordinal)
            || id.StartsWith("chatgpt-4o", StringComparison.Ordinal)
            || id.StartsWith("gpt-4.1", StringComparison.Ordinal)
            || id.StartsWith("gpt-4.5", StringComparison.Ordinal)
            || id.StartsWith("gpt-5", StringComparison.Ordinal)
            || id.StartsWith("gpt-oss", StringComparison.Ordinal)
            || IsOSeries(id))
        {
            return (O200kBase, true);
        }

        if (id.StartsWith("gpt-4", StringComparison.Ordinal)
            || id.StartsWith("gpt-3.5", StringComparison.Ordinal)
            || id.StartsWith("gpt-35", StringComparison.Ordinal)
            || id.StartsWith("text-embedding-", StringComparison.Ordinal))
        {
            return (Cl100kBase, true);
        }

        return (Cl100kBase, false);
    }

    /// <summary>
    /// Estimates input and output tokens of a span from its text; null when it has no text at all. Missing text on
    /// one side counts as zero tokens.
    /// </summary>
    public TokenEstimate? Estimate(string? model, string? inputText, string? outputText)
    {
        if (string.IsNullOrEmpty(inputText) && string.IsNullOrEmpty(outputText))
        {
            return null;
        }

        var (encoding, exact) = EncodingFor(model);
        return new TokenEstimate(Count(inputText, encoding), Count(outputText, encoding), encoding, !exact);
    }

    /// <summary>Tokens of one text in one encoding (<see cref="O200kBase"/> or <see cref="Cl100kBase"/>).</summary>
    public long Count(string? text, string encoding)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var tokenizer = encoding == O200kBase ? _o200k.Value : _cl100k.Value;
        return tokenizer.CountTokens(text);
    }

    private static bool IsOSeries(string id)
        => id.Length >= 2 && id[0] == 'o' && char.IsAsciiDigit(id[1])
            && (id.Length == 2 || id[2] == '-');
}
