using LlmObserve.Core.Drift.Embeddings;

namespace LlmObserve.Core.Drift.Topics;

/// <summary>A clustering: centroids, the cluster of each input vector, and the summed squared distances.</summary>
public sealed record KMeansResult(IReadOnlyList<float[]> Centroids, IReadOnlyList<int> Assignments, double Inertia);

/// <summary>The silhouette of each k tried, and the k chosen.</summary>
public sealed record KChoice(int K, IReadOnlyList<(int K, double Silhouette)> Scores);

/// <summary>
/// k-means (Lloyd's iterations from a seeded k-means++ start, best of a few restarts by inertia) and a choice of
/// k by the mean silhouette over a small range.
/// </summary>
public static class KMeans
{
    public const int DefaultMaxIterations = 100;
    public const int DefaultRestarts = 3;

    /// <summary>Most vectors the silhouette is computed on (it is quadratic in their number).</summary>
    public const int SilhouetteSampleCap = 1000;

    public static KMeansResult Fit(
        IReadOnlyList<float[]> vectors,
        int k,
        int seed = 0,
        int maxIterations = DefaultMaxIterations,
        int restarts = DefaultRestarts)
    {
        if (k < 1 || k > vectors.Count)
        {
            throw new ArgumentException($"k must be between 1 and the number of vectors ({vectors.Count}); got {k}.");
        }

        VectorMath.CheckDimensions(vectors, vectors);
        var random = new Random(seed);
        KMeansResult? best = null;
        for (var r = 0; r < Math.Max(1, restarts); r++)
        {
            var result = Lloyd(vectors, PlusPlus(vectors, k, random), maxIterations);
            if (best is null || result.Inertia < best.Inertia)
            {
                best = result;
            }
        }

        return best!;
    }

    /// <summary>The index of the centroid nearest to <paramref name="vector"/>, and the squared distance.</summary>
    public static (int Cluster, double SquaredDistance) Nearest(IReadOnlyList<float[]> centroids, float[] vector)
    {
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var c = 0; c < centroids.Count; c++)
        {
            var d = VectorMath.SquaredDistance(centroids[c], vector);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return (best, bestDistance);
    }

    /// <summary>
    /// Fits k = <paramref name="minK"/> … <paramref name="maxK"/> and keeps the k with the highest mean silhouette
    /// (Euclidean), measured on at most <see cref="SilhouetteSampleCap"/> seeded-sampled vectors.
    /// </summary>
    public static KChoice ChooseK(IReadOnlyList<float[]> vectors, int minK = 2, int maxK = 8, int seed = 0)
    {
        maxK = Math.Min(maxK, vectors.Count - 1);
        if (minK < 2 || maxK < minK)
        {
            throw new ArgumentException(
                $"Choosing k needs 2 <= minK <= maxK < number of vectors ({vectors.Count}); got {minK}..{maxK}.");
        }

        var sample = VectorMath.Subsample(vectors, SilhouetteSampleCap, new Random(seed));
        var distances = new double[sample.Length, sample.Length];
        for (var i = 0; i < sample.Length; i++)
        {
            for (var j = i + 1; j < sample.Length; j++)
            {
                distances[i, j] = distances[j, i] = Math.Sqrt(VectorMath.SquaredDistance(sample[i], sample[j]));
            }
        }

        var scores = new List<(int, double)>();
        for (var k = minK; k <= maxK; k++)
        {
            var fit = Fit(sample, k, seed);
            scores.Add((k, Silhouette(distances, fit.Assignments, k)));
        }

        var chosen = scores.OrderByDescending(s => s.Item2).ThenBy(s => s.Item1).First().Item1;
        return new KChoice(chosen, scores);
    }

    /// <summary>Mean silhouette over the points, from a precomputed distance matrix.</summary>
    internal static double Silhouette(double[,] distances, IReadOnlyList<int> assignments, int k)
    {
        var n = assignments.Count;
        var sizes = new int[k];
        foreach (var a in assignments)
        {
            sizes[a]++;
        }

        var total = 0.0;
        var sums = new double[k];
        for (var i = 0; i < n; i++)
        {
            Array.Clear(sums);
            for (var j = 0; j < n; j++)
            {
                sums[assignments[j]] += distances[i, j];
            }

            var own = assignments[i];
            if (sizes[own] <= 1)
            {
                continue;
            }

            var a = sums[own] / (sizes[own] - 1);
            var b = double.MaxValue;
            for (var c = 0; c < k; c++)
            {
                if (c != own && sizes[c] > 0)
                {
                    b = Math.Min(b, sums[c] / sizes[c]);
                }
            }

            total += b == double.MaxValue ? 0 : (b - a) / Math.Max(a, b);
        }

        return total / n;
    }

    private static float[][] PlusPlus(IReadOnlyList<float[]> vectors, int k, Random random)
    {
        var centroids = new List<float[]> { (float[])vectors[random.Next(vectors.Count)].Clone() };
        var nearest = vectors.Select(v => (double)VectorMath.SquaredDistance(v, centroids[0])).ToArray();
        while (centroids.Count < k)
        {
            var sum = nearest.Sum();
            var pick = 0;
            if (sum > 0)
            {
                var u = random.NextDouble() * sum;
                for (pick = 0; pick < nearest.Length - 1; pick++)
                {
                    u -= nearest[pick];
                    if (u < 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                pick = random.Next(vectors.Count);
            }

            var centre = (float[])vectors[pick].Clone();
            centroids.Add(centre);
            for (var i = 0; i < nearest.Length; i++)
            {
                nearest[i] = Math.Min(nearest[i], VectorMath.SquaredDistance(vectors[i], centre));
            }
        }

        return [.. centroids];
    }

    private static KMeansResult Lloyd(IReadOnlyList<float[]> vectors, float[][] centroids, int maxIterations)
    {
        var n = vectors.Count;
        var dimensions = vectors[0].Length;
        var assignments = Enumerable.Repeat(-1, n).ToArray();
        var squared = new double[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var (cluster, distance) = Nearest(centroids, vectors[i]);
                squared[i] = distance;
                if (cluster != assignments[i])
                {
                    assignments[i] = cluster;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }

            var sums = new double[centroids.Length, dimensions];
            var counts = new int[centroids.Length];
            for (var i = 0; i < n; i++)
            {
                counts[assignments[i]]++;
                for (var d = 0; d < dimensions; d++)
                {
                    sums[assignments[i], d] += vectors[i][d];
                }
            }

            for (var c = 0; c < centroids.Length; c++)
            {
                if (counts[c] == 0)
                {
                    // An empty cluster restarts at the vector worst served by its centroid.
                    var far = Array.IndexOf(squared, squared.Max());
                    centroids[c] = (float[])vectors[far].Clone();
                    squared[far] = 0;
                    continue;
                }

                for (var d = 0; d < dimensions; d++)
                {
                    centroids[c][d] = (float)(sums[c, d] / counts[c]);
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            (assignments[i], squared[i]) = Nearest(centroids, vectors[i]);
        }

        return new KMeansResult(centroids, assignments, squared.Sum());
    }
}
