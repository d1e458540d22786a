using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// Classifies an embedding by its mean cosine similarity to each class's anchor phrases, embedded once when built.
/// </summary>
public sealed class ZeroShotClassifier
{
    private readonly (string Label, float[][] Anchors)[] _classes;

    public ZeroShotClassifier(SentenceEmbedder embedder, IReadOnlyDictionary<string, string[]> anchors)
    {
        _classes = [.. anchors.Select(pair => (pair.Key, embedder.Embed(pair.Value)))];
    }

    /// <summary>Each class's mean similarity to a unit-length embedding, in the order the anchors were given.</summary>
    public IReadOnlyList<(string Label, double Similarity)> Similarities(float[] embedding)
        => [.. _classes.Select(c => (c.Label, c.Anchors.Average(a => SentenceEmbedder.Cosine(embedding, a))))];

    /// <summary>The most similar class.</summary>
    public string Classify(float[] embedding) => Similarities(embedding).MaxBy(pair => pair.Similarity).Label;
}
