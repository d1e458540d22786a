using System.Buffers.Binary;
using System.Globalization;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Tests.Evaluation;
using Xunit.Abstractions;

namespace LlmObserve.Tests.Drift.Features;

/// <summary>What int8 quantization of MiniLM embeddings costs on cosine similarity, on real embeddings.</summary>
public sealed class EmbeddingCodecTests(ITestOutputHelper output)
{
    [Fact]
    public void RoundTrip_RealEmbeddings_CosineWithinAHundredthAndComponentsWithinHalfAStep()
    {
        var texts = ToneAccuracyTests.Load().Select(item => item.Text).ToList();
        var vectors = SharedOfflineModels.Catalog.Embedder.Embed(texts);
        var encoded = vectors.Select(v => EmbeddingCodec.Encode(v)).ToList();
        var decoded = encoded.Select(bytes => EmbeddingCodec.Decode(bytes)).ToList();

        Assert.All(encoded, bytes => Assert.Equal(4 + 384, bytes.Length));
        for (var i = 0; i < vectors.Length; i++)
        {
            var halfStep = BinaryPrimitives.ReadSingleLittleEndian(encoded[i]) / 2 + 1e-7f;
            var vector = vectors[i];
            var back = decoded[i];
            Assert.All(Enumerable.Range(0, 384), d => Assert.InRange(back[d] - vector[d], -halfStep, halfStep));
        }

        var errors = new List<double>();
        for (var i = 0; i < vectors.Length; i++)
        {
            // Each vector with itself (after decoding) and with every other one.
            errors.Add(Math.Abs(1 - EmbeddingCodec.Cosine(vectors[i], decoded[i])));
            for (var j = i + 1; j < vectors.Length; j++)
            {
                var original = SentenceEmbedder.Cosine(vectors[i], vectors[j]);
                errors.Add(Math.Abs(original - EmbeddingCodec.Cosine(decoded[i], decoded[j])));
            }
        }

        var mean = errors.Average();
        var worst = errors.Max();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{errors.Count} cosines: mean error {mean:0.00000}, "
            + $"p99 {errors.Order().ElementAt(errors.Count * 99 / 100):0.00000}, "
            + $"worst {worst:0.00000}"));
        Assert.True(worst < 0.01, $"worst cosine error {worst}");
        Assert.True(mean < 0.002, $"mean cosine error {mean}");
    }

    [Fact]
    public void RoundTrip_ZeroAndTinyVectors_StayFinite()
    {
        Assert.Equal(new float[3], EmbeddingCodec.Decode(EmbeddingCodec.Encode(new float[3])));
        var tiny = EmbeddingCodec.Decode(EmbeddingCodec.Encode([1e-30f, -1e-30f]));
        Assert.All(tiny, value => Assert.True(float.IsFinite(value)));
        Assert.Throws<ArgumentException>(() => EmbeddingCodec.Decode([1, 2]));
    }
}
