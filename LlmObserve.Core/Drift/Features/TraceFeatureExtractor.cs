using LlmObserve.Core.Costs;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Drift.Features;

/// <summary>What the features of a trace are computed from: its input and output text, latency and cost.</summary>
public sealed record TraceFeatureSource(string? InputText, string? OutputText, double LatencyMs, double? Cost);

/// <summary>The features of one trace, before they are stored.</summary>
public sealed record TraceFeatureValues(
    int? InputTokens,
    int? OutputTokens,
    string? InputLanguage,
    string? OutputLanguage,
    bool? Refusal,
    string? Sentiment,
    double? SentimentScore,
    string? Tone,
    double LatencyMs,
    double? Cost,
    float[]? InputEmbedding,
    float[]? OutputEmbedding);

/// <summary>
/// Computes the drift features of a trace with the models the offline evaluators use: token counts with the cost
/// module's tiktoken encodings, language by the language evaluator's Lingua rules (<see cref="LanguageIdentifier"/>),
/// refusal with the refusal evaluator's patterns, MiniLM embeddings of input and output, and sentiment and tone of
/// the output zero-shot from its embedding (<see cref="ToneAnchors"/>). CPU-bound; safe from several threads.
/// </summary>
public sealed class TraceFeatureExtractor
{
    /// <summary>
    /// The version of the features: raise it when any computation or anchor changes, and the job features the
    /// traces of <see cref="TraceFeatureOptions.BackfillDays"/> again.
    /// </summary>
    public const int Version = 1;

    /// <summary>
    /// Characters of a text that are embedded: about 250 to 300 word pieces of English, near the 256 MiniLM was
    /// trained on (the embedder itself stops at <see cref="SentenceEmbedder.MaxTokens"/>, as the package did), so
    /// longer texts cost no attention time beyond that.
    /// </summary>
    public const int EmbeddedChars = 1200;

    /// <summary>Characters of a text that language detection reads; more costs time and changes nothing.</summary>
    public const int LanguageChars = 2000;

    private readonly SentenceEmbedder _embedder;
    private readonly LanguageIdentifier _languages;
    private readonly RefusalEvaluator _refusal = new();
    private readonly ZeroShotClassifier _sentiment;
    private readonly ZeroShotClassifier _tone;

    public TraceFeatureExtractor(SentenceEmbedder embedder, LanguageIdentifier languages)
    {
        _embedder = embedder;
        _languages = languages;
        _sentiment = new ZeroShotClassifier(embedder, ToneAnchors.Sentiment);
        _tone = new ZeroShotClassifier(embedder, ToneAnchors.Tone);
    }

    public TraceFeatureValues Extract(TraceFeatureSource source, CancellationToken cancellationToken = default)
        => ExtractMany([source], cancellationToken)[0];

    /// <summary>
    /// The features of several traces, in order. Their texts are embedded in one call, which sorts them by length into
    /// batches: MiniLM runs several times faster on a batch than text by text.
    /// </summary>
    public TraceFeatureValues[] ExtractMany(
        IReadOnlyList<TraceFeatureSource> sources,
        CancellationToken cancellationToken = default)
    {
        var texts = new List<string>(2 * sources.Count);
        foreach (var source in sources)
        {
            if (Present(source.InputText) is { } input)
            {
                texts.Add(Cut(input, EmbeddedChars));
            }

            if (Present(source.OutputText) is { } output)
            {
                texts.Add(Cut(output, EmbeddedChars));
            }
        }

        var embeddings = _embedder.Embed(texts, cancellationToken);
        var next = 0;
        var values = new TraceFeatureValues[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var input = Present(sources[i].InputText);
            var output = Present(sources[i].OutputText);
            var inputEmbedding = input is null ? null : embeddings[next++];
            var outputEmbedding = output is null ? null : embeddings[next++];
            values[i] = Complete(sources[i], input, output, inputEmbedding, outputEmbedding, cancellationToken);
        }

        return values;
    }

    /// <summary>Every feature but the embeddings, which the caller computed for a batch of traces.</summary>
    private TraceFeatureValues Complete(
        TraceFeatureSource source,
        string? input,
        string? output,
        float[]? inputEmbedding,
        float[]? outputEmbedding,
        CancellationToken cancellationToken)
    {
        string? sentiment = null, tone = null;
        double? sentimentScore = null;
        bool? refusal = null;
        if (outputEmbedding is not null)
        {
            var similarities = _sentiment.Similarities(outputEmbedding);
            sentiment = similarities.MaxBy(pair => pair.Similarity).Label;
            sentimentScore = similarities.Single(p => p.Label == ToneAnchors.Positive).Similarity
                - similarities.Single(p => p.Label == ToneAnchors.Negative).Similarity;
            tone = _tone.Classify(outputEmbedding);
            refusal = _refusal.Evaluate(OfflineEvaluationInput.ForOutput(output!), cancellationToken).Score >= 1;
        }

        return new TraceFeatureValues(
            Tokens(input),
            Tokens(output),
            _languages.Identify(input is null ? null : Cut(input, LanguageChars)),
            _languages.Identify(output is null ? null : Cut(output, LanguageChars)),
            refusal,
            sentiment,
            sentimentScore,
            tone,
            source.LatencyMs,
            source.Cost,
            inputEmbedding,
            outputEmbedding);
    }

    /// <summary>Sentiment and tone of one text, as the job labels an output (for checking the anchors).</summary>
    public (string Sentiment, string Tone) ClassifyTone(string text)
    {
        var embedding = _embedder.Embed([Cut(text, EmbeddedChars)])[0];
        return (_sentiment.Classify(embedding), _tone.Classify(embedding));
    }

    private static string? Present(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string Cut(string text, int chars)
    {
        if (text.Length <= chars)
        {
            return text;
        }

        // Never split a surrogate pair.
        var end = char.IsHighSurrogate(text[chars - 1]) ? chars - 1 : chars;
        return text[..end];
    }

    /// <summary>
    /// Tokens in o200k_base, the encoding of today's OpenAI models, for every trace: one encoding keeps lengths
    /// comparable when the model changes (a tokenizer switch would otherwise look like drift).
    /// </summary>
    private static int? Tokens(string? text)
        => text is null
            ? null
            : (int)Math.Min(int.MaxValue, TokenEstimator.Shared.Count(text, TokenEstimator.O200kBase));
}
