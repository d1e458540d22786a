using LlmObserve.Core.Drift.Statistics;
using LlmObserve.Core.Evaluation;

namespace LlmObserve.Core.Drift.Embeddings;

/// <summary>Distances between the mean vectors (centroids) of two windows of embeddings.</summary>
public sealed record CentroidDistances(
    IReadOnlyList<double> ReferenceCentroid,
    IReadOnlyList<double> CurrentCentroid,
    double Euclidean,
    double Cosine,
    double Cityblock,
    double Chebyshev);

/// <summary>How the embedding drift measures run; every default is documented in Drift/README.md.</summary>
public sealed record EmbeddingDriftOptions
{
    /// <summary>Most vectors per window that enter MMD and the domain classifier (drawn with the seed).</summary>
    public int MaxPerWindow { get; init; } = EmbeddingDrift.DefaultMaxPerWindow;

    /// <summary>Relabellings of the pooled vectors behind the MMD p-value.</summary>
    public int Permutations { get; init; } = EmbeddingDrift.DefaultPermutations;

    /// <summary>Seed for subsampling, permutations, the train/test split and the classifier's training order.</summary>
    public int Seed { get; init; }

    /// <summary>Share of each window held out to measure the domain classifier's ROC AUC.</summary>
    public double HoldOutShare { get; init; } = 0.3;

    /// <summary>Threshold; null for the measure's default.</summary>
    public double? Threshold { get; init; }

    /// <summary>Fewer vectors than this in either window give "not enough data" instead of a verdict.</summary>
    public int MinimumSampleSize { get; init; } = 2;
}

/// <summary>
/// Drift between two windows of sentence embeddings: distances between the window centroids, maximum mean
/// discrepancy with an RBF kernel and a permutation p-value, and the ROC AUC of a classifier trained to tell the
/// windows apart. Each returns a <see cref="DriftTestResult"/> a monitor can store beside the column tests.
/// </summary>
public static class EmbeddingDrift
{
    public const string CentroidEuclideanName = "embedding_centroid_euclidean";
    public const string CentroidCosineName = "embedding_centroid_cosine";
    public const string MmdName = "embedding_mmd";
    public const string DomainClassifierName = "embedding_domain_classifier";

    /// <summary>Evidently's default threshold for its embedding "distance" method.</summary>
    public const double DefaultCentroidEuclideanThreshold = 0.2;

    /// <summary>
    /// Half of Evidently's 0.2 (which it gives every distance of its "distance" method): the cosine distance of two
    /// centroids grows about with the square of the angle between them, so at 0.2 it needed a new topic at about 30 %
    /// of the traffic where euclidean at 0.2 needed about 22 %; at 0.1 the two are about as sensitive. Without a shift
    /// the scenario test's windows stayed under 0.025 (<c>DriftScenarioTests</c>).
    /// </summary>
    public const double DefaultCentroidCosineThreshold = 0.1;

    /// <summary>MMD drifts when its permutation p-value is below this.</summary>
    public const double DefaultMmdPValueThreshold = 0.05;

    /// <summary>Evidently's default ROC AUC threshold for its embedding "model" method.</summary>
    public const double DefaultClassifierAucThreshold = 0.55;

    public const int DefaultMaxPerWindow = 1000;
    public const int DefaultPermutations = 100;

    /// <summary>Centroids of both windows and four distances between them (cosine is 1 - cosine similarity).</summary>
    public static CentroidDistances Centroids(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> current)
    {
        VectorMath.CheckDimensions(reference, current);
        var a = VectorMath.Mean(reference);
        var b = VectorMath.Mean(current);
        double squared = 0, dot = 0, normA = 0, normB = 0, cityblock = 0, chebyshev = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            squared += d * d;
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
            cityblock += Math.Abs(d);
            chebyshev = Math.Max(chebyshev, Math.Abs(d));
        }

        var cosine = normA == 0 || normB == 0 ? 0 : 1 - dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
        return new CentroidDistances(a, b, Math.Sqrt(squared), cosine, cityblock, chebyshev);
    }

    /// <summary>Euclidean distance between the centroids; drift at or above the threshold (default 0.2).</summary>
    public static DriftTestResult CentroidEuclidean(
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        EmbeddingDriftOptions? options = null)
    {
        options ??= new EmbeddingDriftOptions();
        var threshold = options.Threshold ?? DefaultCentroidEuclideanThreshold;
        return NotEnough(CentroidEuclideanName, "Centroid distance (euclidean)", DriftScoreKind.Distance,
                DriftRule.AtOrAbove, threshold, reference, current, options)
            ?? Distance(
                CentroidEuclideanName,
                "Centroid distance (euclidean)",
                Centroids(reference, current).Euclidean,
                threshold,
                reference,
                current);
    }

    /// <summary>Cosine distance between the centroids; drift at or above the threshold (default 0.2).</summary>
    public static DriftTestResult CentroidCosine(
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        EmbeddingDriftOptions? options = null)
    {
        options ??= new EmbeddingDriftOptions();
        return NotEnough(CentroidCosineName, "Centroid distance (cosine)", DriftScoreKind.Distance,
                DriftRule.AtOrAbove, options.Threshold ?? DefaultCentroidCosineThreshold, reference, current, options)
            ?? Distance(
                CentroidCosineName,
                "Centroid distance (cosine)",
                Centroids(reference, current).Cosine,
                options.Threshold ?? DefaultCentroidCosineThreshold,
                reference,
                current);
    }

    /// <summary>
    /// Maximum mean discrepancy (unbiased MMD²) with the RBF kernel exp(-|x - y|² / m), m the median squared
    /// distance between distinct pooled vectors (the median heuristic). The p-value is (1 + r) / (1 + B) for r
    /// of B seeded relabellings reaching the observed MMD²; drift below the threshold (default 0.05). Each window
    /// is first subsampled to <see cref="EmbeddingDriftOptions.MaxPerWindow"/> vectors.
    /// </summary>
    public static DriftTestResult Mmd(
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        EmbeddingDriftOptions? options = null)
    {
        options ??= new EmbeddingDriftOptions();
        var threshold = options.Threshold ?? DefaultMmdPValueThreshold;
        if (NotEnough(MmdName, "Embedding MMD", DriftScoreKind.PValue, DriftRule.Below, threshold, reference, current,
                options) is { } notEnough)
        {
            return notEnough;
        }

        VectorMath.CheckDimensions(reference, current);
        var random = new Random(options.Seed);
        var x = VectorMath.Subsample(reference, options.MaxPerWindow, random);
        var y = VectorMath.Subsample(current, options.MaxPerWindow, random);
        var pooled = x.Concat(y).ToArray();
        var n = pooled.Length;
        var kernel = new float[n * n];
        var offDiagonal = new float[n * (n - 1) / 2];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var d = VectorMath.SquaredDistance(pooled[i], pooled[j]);
                kernel[i * n + j] = d;
                offDiagonal[k++] = d;
            }
        }

        Array.Sort(offDiagonal);
        var median = offDiagonal.Length % 2 == 1
            ? offDiagonal[offDiagonal.Length / 2]
            : (offDiagonal[offDiagonal.Length / 2 - 1] + offDiagonal[offDiagonal.Length / 2]) / 2;
        var scale = median > 0 ? median : 1f;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var value = MathF.Exp(-kernel[i * n + j] / scale);
                kernel[i * n + j] = value;
                kernel[j * n + i] = value;
            }
        }

        var labels = new bool[n];
        for (var i = x.Length; i < n; i++)
        {
            labels[i] = true;
        }

        var observed = Mmd2(kernel, n, labels, x.Length, y.Length);
        var order = Enumerable.Range(0, n).ToArray();
        var shuffled = new bool[n];
        var atLeast = 0;
        for (var p = 0; p < options.Permutations; p++)
        {
            random.Shuffle(order);
            for (var i = 0; i < n; i++)
            {
                shuffled[order[i]] = labels[i];
            }

            if (Mmd2(kernel, n, shuffled, x.Length, y.Length) >= observed)
            {
                atLeast++;
            }
        }

        var pValue = (1.0 + atLeast) / (1.0 + options.Permutations);
        return new DriftTestResult(
            MmdName,
            "Embedding MMD",
            DriftScoreKind.PValue,
            DriftRule.Below,
            pValue,
            observed,
            threshold,
            pValue < threshold,
            reference.Count,
            current.Count)
        {
            SampledPerWindow = Math.Max(x.Length, y.Length),
        };
    }

    /// <summary>
    /// Trains a logistic regression to tell current (positive) from reference vectors on a seeded, stratified
    /// split and reports its ROC AUC on the held-out part: about 0.5 when the windows cannot be told apart,
    /// towards 1 as they separate. Drift at or above the threshold (default 0.55, Evidently's).
    /// </summary>
    public static DriftTestResult DomainClassifier(
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        EmbeddingDriftOptions? options = null)
    {
        options ??= new EmbeddingDriftOptions();
        var threshold = options.Threshold ?? DefaultClassifierAucThreshold;
        var minimum = Math.Max(options.MinimumSampleSize, 4);
        if (NotEnough(DomainClassifierName, "Domain classifier ROC AUC", DriftScoreKind.Distance, DriftRule.AtOrAbove,
                threshold, reference, current, options with { MinimumSampleSize = minimum }) is { } notEnough)
        {
            return notEnough;
        }

        if (options.HoldOutShare is <= 0 or >= 1)
        {
            throw new ArgumentException($"The held-out share must be between 0 and 1; got {options.HoldOutShare}.");
        }

        var dimensions = VectorMath.CheckDimensions(reference, current);
        var random = new Random(options.Seed);
        var x = VectorMath.Subsample(reference, options.MaxPerWindow, random);
        var y = VectorMath.Subsample(current, options.MaxPerWindow, random);
        var (trainX, testX) = Split(x, options.HoldOutShare);
        var (trainY, testY) = Split(y, options.HoldOutShare);
        var training = trainX.Select(v => (v, false)).Concat(trainY.Select(v => (v, true))).ToArray();
        var model = LogisticRegression.Train(training, dimensions, random);
        var scored = testX.Select(v => (model.Probability(v), false))
            .Concat(testY.Select(v => (model.Probability(v), true)))
            .ToList();
        var auc = ClassificationMetrics.Auroc(scored) ?? 0.5;
        return new DriftTestResult(
            DomainClassifierName,
            "Domain classifier ROC AUC",
            DriftScoreKind.Distance,
            DriftRule.AtOrAbove,
            auc,
            auc,
            threshold,
            auc >= threshold,
            reference.Count,
            current.Count)
        {
            SampledPerWindow = Math.Max(x.Length, y.Length),
        };
    }

    private static (float[][] Train, float[][] Test) Split(float[][] shuffled, double holdOut)
    {
        var test = Math.Clamp((int)Math.Round(shuffled.Length * holdOut), 1, shuffled.Length - 1);
        return (shuffled[test..], shuffled[..test]);
    }

    private static double Mmd2(float[] kernel, int n, bool[] isCurrent, int nx, int ny)
    {
        double xx = 0, yy = 0, xy = 0;
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            var iCurrent = isCurrent[i];
            double same = 0, cross = 0;
            for (var j = 0; j < n; j++)
            {
                if (isCurrent[j] == iCurrent)
                {
                    same += kernel[row + j];
                }
                else
                {
                    cross += kernel[row + j];
                }
            }

            if (iCurrent)
            {
                yy += same;
                xy += cross;
            }
            else
            {
                xx += same;
            }
        }

        return xx / (nx * (nx - 1.0)) + yy / (ny * (ny - 1.0)) - 2.0 * xy / ((double)nx * ny);
    }

    private static DriftTestResult Distance(
        string name,
        string display,
        double distance,
        double threshold,
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current) =>
        new(name, display, DriftScoreKind.Distance, DriftRule.AtOrAbove, distance, distance, threshold,
            distance >= threshold, reference.Count, current.Count);

    private static DriftTestResult? NotEnough(
        string name,
        string display,
        DriftScoreKind kind,
        DriftRule rule,
        double threshold,
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        EmbeddingDriftOptions options)
    {
        var minimum = Math.Max(options.MinimumSampleSize, name == MmdName ? 2 : 1);
        if (reference.Count >= minimum && current.Count >= minimum)
        {
            return null;
        }

        return new DriftTestResult(name, display, kind, rule, double.NaN, double.NaN, threshold, false,
            reference.Count, current.Count, DriftStatus.NotEnoughData)
        {
            Message = $"not enough data (n = {reference.Count} reference, {current.Count} current; "
                + $"at least {minimum} needed in each)",
        };
    }
}
