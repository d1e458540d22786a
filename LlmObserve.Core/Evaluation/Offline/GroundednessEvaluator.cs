using System.Globalization;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// How well the retrieved context supports an answer, without a judge. Each sentence of the answer is a
/// claim; its support blends the best cosine similarity to any context sentence (MiniLM embeddings) with the
/// share of its content words found in the context or question, and is cut for each number or capitalised
/// name that appears in neither. The score is the mean support over claims.
/// </summary>
public sealed class GroundednessEvaluator : IOfflineEvaluator
{
    private readonly SentenceEmbedder _embedder;
    private readonly GroundednessOptions _options;

    public GroundednessEvaluator(SentenceEmbedder embedder, GroundednessOptions? options = null)
    {
        _embedder = embedder;
        _options = options ?? new GroundednessOptions();
    }

    public string Name => "groundedness";

    public string Version => "offline-1";

    public OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default)
    {
        var documents = input.RetrievedContext.Where(document => !string.IsNullOrWhiteSpace(document)).ToArray();
        if (documents.Length == 0)
        {
            return OfflineEvaluationResult.Skipped(Name, "no retrieved context");
        }

        var claims = SentenceSplitter.Split(input.Output);
        if (claims.Count == 0)
        {
            return OfflineEvaluationResult.Skipped(Name, "the output makes no claim");
        }

        var supports = Support(input.Input, claims, documents, cancellationToken, input.Embeddings);
        return Judge(supports);
    }

    /// <summary>The support of each claim, in [0, 1], with the entities the context lacks.</summary>
    internal IReadOnlyList<ClaimSupport> Support(
        string question,
        IReadOnlyList<string> claims,
        IReadOnlyList<string> documents,
        CancellationToken cancellationToken,
        EmbeddingMemo? memo = null)
    {
        var chunks = documents.SelectMany(SentenceSplitter.Split).ToArray();
        var contextText = string.Join("\n", documents);
        var knownWords = TextFeatures.WordSet(contextText + "\n" + question);
        var knownText = (contextText + "\n" + question).Replace(",", string.Empty, StringComparison.Ordinal);

        var embedded = claims
            .Select(claim => CountWords(claim) < _options.ShortClaimWords && question.Length > 0
                ? question + " " + claim
                : claim)
            .Concat(chunks)
            .ToArray();
        var vectors = _embedder.Embed(embedded, memo, cancellationToken);

        var supports = new List<ClaimSupport>(claims.Count);
        for (var i = 0; i < claims.Count; i++)
        {
            var bestCosine = 0.0;
            for (var j = claims.Count; j < vectors.Length; j++)
            {
                bestCosine = Math.Max(bestCosine, SentenceEmbedder.Cosine(vectors[i], vectors[j]));
            }

            var semantic = Math.Clamp(
                (bestCosine - _options.CosineFloor) / (_options.CosineCeiling - _options.CosineFloor),
                0,
                1);
            var words = TextFeatures.ContentWords(claims[i]);
            var lexical = words.Count == 0 ? 1 : (double)words.Count(knownWords.Contains) / words.Count;
            var absent = TextFeatures.Numbers(claims[i])
                .Where(number => !knownText.Contains(number, StringComparison.Ordinal))
                .Concat(TextFeatures.Names(claims[i]).Where(name => !knownWords.Contains(name.ToLowerInvariant())))
                .Distinct(StringComparer.Ordinal)
                .ToArray();

            var blended = _options.EmbeddingWeight * semantic + (1 - _options.EmbeddingWeight) * lexical;
            var support = blended * Math.Pow(_options.AbsentEntityFactor, absent.Length);
            supports.Add(new ClaimSupport(support, bestCosine, lexical, absent.Length, Verdict(support)));
        }

        return supports;
    }

    private OfflineEvaluationResult Judge(IReadOnlyList<ClaimSupport> supports)
    {
        var score = supports.Average(support => support.Support);
        var verdicts = supports.Select(support => support.Verdict).ToArray();
        var faithful = SupportVerdicts.FaithfulFraction(verdicts, penalizeUnsure: false) ?? 0;
        var absentEntities = supports.Sum(support => support.AbsentEntities);
        var label = score >= _options.Threshold ? OfflineLabels.Grounded : OfflineLabels.Hallucinated;

        // The explanation names counts, not the missing words: an answer may carry personal data.
        var explanation = string.Create(
            CultureInfo.InvariantCulture,
            $"{verdicts.Count(v => v == SupportVerdict.Supported)} of {verdicts.Length} sentences supported, " +
            $"{verdicts.Count(v => v == SupportVerdict.Unsupported)} unsupported (faithful share {faithful:0.00}); " +
            $"{absentEntities} numbers or names absent from the context; " +
            $"best context similarity {supports.Min(support => support.BestCosine):0.00} for the weakest sentence.");
        return OfflineEvaluationResult.Scored(Name, Math.Clamp(score, 0, 1), label, explanation);
    }

    private SupportVerdict Verdict(double support) =>
        support >= _options.SupportedAtLeast ? SupportVerdict.Supported
        : support < _options.UnsupportedBelow ? SupportVerdict.Unsupported
        : SupportVerdict.Unsure;

    private static int CountWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>One claim's support and what it was made of.</summary>
internal readonly record struct ClaimSupport(
    double Support,
    double BestCosine,
    double Lexical,
    int AbsentEntities,
    SupportVerdict Verdict);
