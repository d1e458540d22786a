namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// The sentence embeddings made while evaluating one trace, so evaluators that embed the same text (groundedness's
/// claim and answer relevance's answer, when the answer is one sentence) share one vector. Meant for one trace:
/// it keeps every text it is given.
/// </summary>
public sealed class EmbeddingMemo
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    /// <summary>Texts answered from the memo instead of the model.</summary>
    public int Hits { get; private set; }

    /// <summary>Texts the model embedded.</summary>
    public int Misses { get; private set; }

    internal IReadOnlyList<string> Missing(IReadOnlyList<string> texts)
    {
        lock (_gate)
        {
            var missing = texts.Where(text => !_vectors.ContainsKey(text)).Distinct(StringComparer.Ordinal).ToList();
            Hits += texts.Count - texts.Count(text => !_vectors.ContainsKey(text));
            Misses += missing.Count;
            return missing;
        }
    }

    internal void Keep(IReadOnlyList<string> texts, float[][] vectors)
    {
        lock (_gate)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                _vectors[texts[i]] = vectors[i];
            }
        }
    }

    internal float[][] Lookup(IReadOnlyList<string> texts)
    {
        lock (_gate)
        {
            return [.. texts.Select(text => _vectors[text])];
        }
    }
}
