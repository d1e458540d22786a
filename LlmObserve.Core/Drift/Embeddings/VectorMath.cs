using System.Numerics;

namespace LlmObserve.Core.Drift.Embeddings;

/// <summary>Dense float-vector helpers shared by the embedding drift measures and topic clustering.</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    public static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var d = new Vector<float>(a[i..]) - new Vector<float>(b[i..]);
            sum += d * d;
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            total += d * d;
        }

        return total;
    }

    /// <summary>The mean vector, accumulated in double.</summary>
    public static double[] Mean(IReadOnlyList<float[]> vectors)
    {
        var mean = new double[vectors[0].Length];
        foreach (var v in vectors)
        {
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += v[i];
            }
        }

        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] /= vectors.Count;
        }

        return mean;
    }

    /// <summary>Checks all vectors share one non-zero length and finite values; names any offender.</summary>
    public static int CheckDimensions(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> current)
    {
        if (reference.Count == 0 || current.Count == 0)
        {
            throw new ArgumentException(
                $"Both windows need at least one vector (reference {reference.Count}, current {current.Count}).");
        }

        var dimensions = reference[0].Length;
        if (dimensions == 0)
        {
            throw new ArgumentException("Vectors need at least one dimension.");
        }

        foreach (var (window, vectors) in new[] { ("reference", reference), ("current", current) })
        {
            for (var i = 0; i < vectors.Count; i++)
            {
                if (vectors[i].Length != dimensions)
                {
                    throw new ArgumentException(
                        $"Vector {i} of the {window} window has {vectors[i].Length} dimensions; "
                        + $"expected {dimensions}.");
                }

                if (vectors[i].Any(x => !float.IsFinite(x)))
                {
                    throw new ArgumentException($"Vector {i} of the {window} window holds a value that is not finite.");
                }
            }
        }

        return dimensions;
    }

    /// <summary>At most <paramref name="cap"/> of the vectors, drawn without replacement.</summary>
    public static float[][] Subsample(IReadOnlyList<float[]> vectors, int cap, Random random)
    {
        var all = vectors.ToArray();
        if (all.Length <= cap)
        {
            return all;
        }

        random.Shuffle(all);
        return all[..cap];
    }
}
