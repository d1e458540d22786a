using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Drift.Embeddings;
using LlmObserve.Core.Drift.Statistics;
using LlmObserve.Core.Drift.Topics;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>drift</c> command: wall time of every column test on two windows of generated values (numerical, or
/// labels for the categorical-only tests), of the embedding measures on two windows of 384-dimensional unit
/// vectors, and of fitting and applying a topic model, so a monitor's cost per run is known.
/// </summary>
internal static class DriftBenchmark
{
    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback, int max) => Math.Clamp(
            values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback,
            1,
            max);
        var n = Int("values", 5000, 1_000_000);
        var vectors = Int("vectors", 2000, 50_000);
        var runs = Int("runs", 3, 20);
        Console.WriteLine(
            $"drift: {n} vs {n} values, {vectors} vs {vectors} vectors of 384 dims, median of {runs} runs; "
            + $"{Environment.ProcessorCount} cores");

        var random = new Random(20261205);
        var reference = Normal(random, n, 0, 1);
        var current = Normal(random, n, 0.05, 1);
        var refLabels = Labels(random, n, [0.4, 0.3, 0.2, 0.1]);
        var curLabels = Labels(random, n, [0.38, 0.3, 0.22, 0.1]);
        var refBinary = Labels(random, n, [0.7, 0.3]);
        var curBinary = Labels(random, n, [0.68, 0.32]);

        Console.WriteLine($"{"test",-34} {"ms",10} {"score",12} drifted");
        foreach (var test in StatTestCatalog.All)
        {
            var options = new DriftTestOptions { Test = test.Name };
            Func<DriftTestResult> run = test.Accepts(FeatureKind.Numerical) && test.Name is not ("chisquare" or "z")
                ? () => DriftStatTests.RunNumerical(reference, current, options)
                : test.Name == StatTestCatalog.FisherExact
                    ? () => DriftStatTests.RunCategorical(refBinary, curBinary, options)
                    : () => DriftStatTests.RunCategorical(refLabels, curLabels, options);
            Report(test.Name, runs, run);
        }

        Report("auto (numerical)", runs, () => DriftStatTests.RunNumerical(reference, current));
        Report("auto (categorical)", runs, () => DriftStatTests.RunCategorical(refLabels, curLabels));

        var gen = new Random(7);
        var topics = Enumerable.Range(0, 6).Select(_ => Direction(gen)).ToArray();
        var refVectors = Mixture(gen, topics, [1, 1, 1, 1, 1, 0], vectors);
        var curVectors = Mixture(gen, topics, [1, 1, 1, 1, 1, 1], vectors);
        var embeddingOptions = new EmbeddingDriftOptions();
        Report("embedding centroid euclidean", runs, () => EmbeddingDrift.CentroidEuclidean(refVectors, curVectors));
        Report("embedding centroid cosine", runs, () => EmbeddingDrift.CentroidCosine(refVectors, curVectors));
        Report(
            $"embedding MMD (cap {embeddingOptions.MaxPerWindow}, {embeddingOptions.Permutations} perms)",
            runs,
            () => EmbeddingDrift.Mmd(refVectors, curVectors));
        Report(
            $"embedding domain classifier (cap {embeddingOptions.MaxPerWindow})",
            runs,
            () => EmbeddingDrift.DomainClassifier(refVectors, curVectors));

        var texts = refVectors.Select((_, i) => $"text number {i}").ToArray();
        TopicModel? model = null;
        var fitK = Time(runs, () => model = TopicModel.Fit(refVectors, texts, new TopicModelOptions { K = 6 }));
        Console.WriteLine($"{"topic model fit, k = 6",-34} {fitK,10:F1}");
        var fitAuto = Time(1, () => model = TopicModel.Fit(refVectors, texts));
        Console.WriteLine($"{"topic model fit, k by silhouette",-34} {fitAuto,10:F1} (k = {model!.Topics.Count})");
        TopicShiftReport? report = null;
        var compare = Time(runs, () => report = TopicShift.Compare(model, refVectors, curVectors));
        Console.WriteLine($"{"topic shift compare",-34} {compare,10:F1} drifted {report!.Drifted}");
        return 0;
    }

    private static void Report(string name, int runs, Func<DriftTestResult> run)
    {
        DriftTestResult? result = null;
        var ms = Time(runs, () => result = run());
        Console.WriteLine(
            $"{name,-34} {ms,10:F1} {result!.Score,12:G5} {result.Drifted}"
            + (result.SampledPerWindow is { } s ? $" (sampled {s} per window)" : ""));
    }

    private static double Time(int runs, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return BenchHelpers.Percentile(times, 50);
    }

    private static double[] Normal(Random random, int count, double mean, double sd) =>
        Enumerable.Range(0, count).Select(_ => mean + sd * Gaussian(random)).ToArray();

    private static string?[] Labels(Random random, int count, double[] weights) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var u = random.NextDouble() * weights.Sum();
            var k = 0;
            while (k < weights.Length - 1 && (u -= weights[k]) >= 0)
            {
                k++;
            }

            return (string?)$"label{k}";
        }).ToArray();

    private static float[] Direction(Random random) =>
        Unit(Enumerable.Range(0, 384).Select(_ => (float)Gaussian(random)).ToArray());

    private static float[][] Mixture(Random random, float[][] topics, double[] weights, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var u = random.NextDouble() * weights.Sum();
            var k = 0;
            while (k < weights.Length - 1 && (u -= weights[k]) >= 0)
            {
                k++;
            }

            return Unit(topics[k].Select(t => (float)(t + 0.6 / Math.Sqrt(384) * Gaussian(random))).ToArray());
        }).ToArray();

    private static float[] Unit(float[] v)
    {
        var norm = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
