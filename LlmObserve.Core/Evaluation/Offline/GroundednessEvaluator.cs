using System.Globalization;
using System.Text;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// How well the retrieved context supports an answer, without a judge. Each sentence of the answer is a claim.
/// What a claim asserts is held in its new words: the content words it adds to the question. Each new word the
/// context lacks (after folding case, accents, plural and verb endings, number words) cuts the claim's support
/// by <see cref="GroundednessOptions.AbsentWordFactor"/>; a claim off the context's topic by MiniLM similarity
/// loses support too. The score is the mean support over claims; the explanation names the unsupported
/// sentences by position and counts their unknown words, without quoting them.
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

    /// <summary>The version of this evaluator's method; see <see cref="IOfflineEvaluator.Version"/>.</summary>
    public const string Method = "offline-2";

    public string Version => Method;

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

    /// <summary>The support of each claim, in [0, 1], with what it was made of.</summary>
    internal IReadOnlyList<ClaimSupport> Support(
        string question,
        IReadOnlyList<string> claims,
        IReadOnlyList<string> documents,
        CancellationToken cancellationToken,
        EmbeddingMemo? memo = null)
    {
        var chunks = documents.SelectMany(SentenceSplitter.Split).ToArray();
        var contextTerms = TextFeatures.TermSet(string.Join("\n", documents));
        var questionTerms = TextFeatures.TermSet(question);

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

            var topicality = Math.Clamp(
                (bestCosine - _options.CosineFloor) / (_options.CosineCeiling - _options.CosineFloor),
                0,
                1);
            var newTerms = TextFeatures.ContentTerms(claims[i])
                .Where(term => !questionTerms.Contains(term.Value))
                .Distinct()
                .ToArray();
            var absent = newTerms.Where(term => !contextTerms.Contains(term.Value)).ToArray();
            var lexical = newTerms.Length == 0
                ? _options.RestatementSupport
                : Math.Pow(_options.AbsentWordFactor, absent.Length);

            var support = lexical * topicality;
            supports.Add(new ClaimSupport(
                support,
                bestCosine,
                newTerms.Length,
                absent.Length,
                absent.Count(term => term.IsNameOrNumber),
                Verdict(support)));
        }

        return supports;
    }

    private OfflineEvaluationResult Judge(IReadOnlyList<ClaimSupport> supports)
    {
        var score = Math.Clamp(supports.Average(support => support.Support), 0, 1);
        var verdicts = supports.Select(support => support.Verdict).ToArray();
        var faithful = SupportVerdicts.FaithfulFraction(verdicts, penalizeUnsure: false) ?? 0;
        var label = score >= _options.Threshold ? OfflineLabels.Grounded : OfflineLabels.Hallucinated;

        // Sentences are named by position and their unknown words counted, never quoted: an answer may carry
        // personal data, and an explanation must not.
        var explanation = new StringBuilder();
        explanation.Append(CultureInfo.InvariantCulture, $"{verdicts.Count(v => v == SupportVerdict.Supported)} ")
            .Append(CultureInfo.InvariantCulture, $"of {verdicts.Length} sentences supported, ")
            .Append(CultureInfo.InvariantCulture, $"{verdicts.Count(v => v == SupportVerdict.Unsupported)} ")
            .Append(CultureInfo.InvariantCulture, $"unsupported (faithful share {faithful:0.00}); ");
        for (var i = 0; i < supports.Count; i++)
        {
            var support = supports[i];
            if (support.Verdict != SupportVerdict.Supported)
            {
                explanation.Append(CultureInfo.InvariantCulture, $"sentence {i + 1} ")
                    .Append(support.Verdict == SupportVerdict.Unsupported ? "unsupported" : "unsure")
                    .Append(CultureInfo.InvariantCulture, $": {support.AbsentWords} of its {support.NewWords} ")
                    .Append(CultureInfo.InvariantCulture, $"new words absent from the context, similarity ")
                    .Append(CultureInfo.InvariantCulture, $"{support.BestCosine:0.00}; ");
            }
        }

        explanation.Append(CultureInfo.InvariantCulture, $"{supports.Sum(s => s.AbsentNamesOrNumbers)} numbers ")
            .Append(CultureInfo.InvariantCulture, $"or names and {supports.Sum(s => s.AbsentWords)} words in all ")
            .Append(CultureInfo.InvariantCulture, $"absent from the context; best context similarity ")
            .Append(CultureInfo.InvariantCulture, $"{supports.Min(support => support.BestCosine):0.00} ")
            .Append("for the weakest sentence.");
        return OfflineEvaluationResult.Scored(Name, score, label, explanation.ToString());
    }

    private SupportVerdict Verdict(double support) =>
        support >= _options.SupportedAtLeast ? SupportVerdict.Supported
        : support < _options.UnsupportedBelow ? SupportVerdict.Unsupported
        : SupportVerdict.Unsure;

    private static int CountWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>One claim's support and what it was made of.</summary>
/// <param name="Support">In [0, 1].</param>
/// <param name="BestCosine">Cosine similarity to the closest context sentence.</param>
/// <param name="NewWords">Distinct content words of the claim that the question lacks.</param>
/// <param name="AbsentWords">Those of <paramref name="NewWords"/> that the context lacks too.</param>
/// <param name="AbsentNamesOrNumbers">Those of <paramref name="AbsentWords"/> that are names or numbers.</param>
/// <param name="Verdict">The support read as a verdict.</param>
internal readonly record struct ClaimSupport(
    double Support,
    double BestCosine,
    int NewWords,
    int AbsentWords,
    int AbsentNamesOrNumbers,
    SupportVerdict Verdict);
