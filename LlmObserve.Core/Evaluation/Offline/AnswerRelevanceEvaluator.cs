using System.Globalization;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// Whether the answer addresses the question: the cosine similarity of their MiniLM embeddings, mapped
/// linearly from [<see cref="CosineFloor"/>, <see cref="CosineCeiling"/>] onto [0, 1]. Unrelated text lands
/// near 0.0 to 0.1 in cosine for this model, a direct answer from about 0.5 up.
/// </summary>
public sealed class AnswerRelevanceEvaluator(SentenceEmbedder embedder) : IOfflineEvaluator
{
    public const double CosineFloor = 0.1;
    public const double CosineCeiling = 0.6;

    public string Name => "answer_relevance";

    /// <summary>The version of this evaluator's method; see <see cref="IOfflineEvaluator.Version"/>.</summary>
    public const string Method = "offline-1";

    public string Version => Method;

    public OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Input))
        {
            return OfflineEvaluationResult.Skipped(Name, "no question or input text");
        }

        if (string.IsNullOrWhiteSpace(input.Output))
        {
            return OfflineEvaluationResult.Skipped(Name, "no output");
        }

        var vectors = embedder.Embed([input.Input, input.Output], input.Embeddings, cancellationToken);
        var cosine = SentenceEmbedder.Cosine(vectors[0], vectors[1]);
        var score = Math.Clamp((cosine - CosineFloor) / (CosineCeiling - CosineFloor), 0, 1);
        return OfflineEvaluationResult.Scored(
            Name,
            score,
            score >= 0.5 ? OfflineLabels.Relevant : OfflineLabels.Irrelevant,
            string.Create(CultureInfo.InvariantCulture, $"question and answer embeddings have cosine {cosine:0.00}."));
    }
}
