namespace LlmObserve.Tests.Drift;

/// <summary>Unit vectors scattered around a few topic directions, like sentence embeddings of a few subjects.</summary>
internal sealed class SyntheticEmbeddings
{
    private readonly Random _random;
    private readonly int _dimensions;

    public SyntheticEmbeddings(int seed, int dimensions = 384)
    {
        _random = new Random(seed);
        _dimensions = dimensions;
    }

    public float[] Direction() => Normalise(Enumerable.Range(0, _dimensions).Select(_ => Gaussian()).ToArray());

    /// <summary>A vector near <paramref name="topic"/>; <paramref name="spread"/> sets how far around it.</summary>
    public float[] Near(float[] topic, double spread = 0.8)
    {
        var scale = spread / Math.Sqrt(_dimensions);
        return Normalise(topic.Select(t => (float)(t + scale * Gaussian())).ToArray());
    }

    /// <summary>Draws <paramref name="count"/> vectors, each near a topic picked with the given weights.</summary>
    public float[][] Mixture(
        IReadOnlyList<float[]> topics,
        IReadOnlyList<double> weights,
        int count,
        double spread = 0.8)
    {
        var total = weights.Sum();
        var result = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var u = _random.NextDouble() * total;
            var k = 0;
            while (k < topics.Count - 1 && (u -= weights[k]) >= 0)
            {
                k++;
            }

            result[i] = Near(topics[k], spread);
        }

        return result;
    }

    private float Gaussian() =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));

    private static float[] Normalise(float[] v)
    {
        var norm = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
