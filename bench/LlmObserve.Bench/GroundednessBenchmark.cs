using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>groundedness</c> command: the offline groundedness evaluator on HaluEval QA (each question's right and
/// hallucinated answer against its passage), scored with two-fold cross-validation split by question (the
/// threshold is chosen on one half and applied to the other), then the throughput of all offline evaluators.
/// </summary>
internal static class GroundednessBenchmark
{
    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var data = values.GetValueOrDefault("data") ?? DefaultDataPath();
        var seconds = Math.Clamp(
            int.Parse(values.GetValueOrDefault("seconds", "10"), CultureInfo.InvariantCulture),
            1,
            120);
        var examples = Load(data);

        double Double(string name, double fallback) =>
            values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
        Console.WriteLine($"groundedness: {examples.Count} answers from {data}; {Environment.ProcessorCount} cores");

        var clock = Stopwatch.StartNew();
        using var embedder = new SentenceEmbedder();
        Console.WriteLine($"embedding model loaded in {clock.ElapsedMilliseconds} ms");

        var defaults = new GroundednessOptions();
        var options = defaults with
        {
            EmbeddingWeight = Double("embedding-weight", defaults.EmbeddingWeight),
            AbsentEntityFactor = Double("absent-factor", defaults.AbsentEntityFactor),
        };
        Console.WriteLine($"options: {options}");
        var evaluator = new GroundednessEvaluator(embedder, options);
        var risks = examples
            .Select(example => 1 - evaluator.Evaluate(example.Input).Score!.Value)
            .ToArray();
        ReportCrossValidation(examples, risks, options.Threshold);

        Throughput(embedder, examples, TimeSpan.FromSeconds(seconds));
        return 0;
    }

    private static void ReportCrossValidation(
        IReadOnlyList<HaluExample> examples,
        double[] risks,
        double defaultThreshold)
    {
        var pooled = new List<(double Risk, bool Positive)>();
        var pooledCounts = new BinaryCounts();
        for (var fold = 0; fold < 2; fold++)
        {
            var tune = Pick(examples, risks, example => example.Fold != fold);
            var test = Pick(examples, risks, example => example.Fold == fold);
            var threshold = ClassificationMetrics.BestF1Threshold(tune);
            var counts = ClassificationMetrics.Count(test, threshold);
            Console.WriteLine(
                $"fold {fold}: threshold {1 - threshold:0.000} on groundedness (chosen on the other fold, " +
                $"where F1 {ClassificationMetrics.Count(tune, threshold).F1:0.000}); held out: " +
                $"P {counts.Precision:0.000} R {counts.Recall:0.000} F1 {counts.F1:0.000} " +
                $"AUROC {ClassificationMetrics.Auroc(test):0.000} ({test.Count} answers)");
            pooled.AddRange(test);
            pooledCounts = new BinaryCounts(
                pooledCounts.TruePositives + counts.TruePositives,
                pooledCounts.FalsePositives + counts.FalsePositives,
                pooledCounts.FalseNegatives + counts.FalseNegatives,
                pooledCounts.TrueNegatives + counts.TrueNegatives);
        }

        Console.WriteLine(
            $"held-out, both folds pooled (hallucinated = positive): P {pooledCounts.Precision:0.000} " +
            $"R {pooledCounts.Recall:0.000} F1 {pooledCounts.F1:0.000} " +
            $"(TP {pooledCounts.TruePositives} FP {pooledCounts.FalsePositives} " +
            $"FN {pooledCounts.FalseNegatives} TN {pooledCounts.TrueNegatives}); " +
            $"AUROC {ClassificationMetrics.Auroc(pooled):0.000}");
        var fixedCounts = ClassificationMetrics.Count(pooled, 1 - defaultThreshold);
        Console.WriteLine(
            $"at the evaluator's own threshold {defaultThreshold:0.00} (set by hand before the folds): " +
            $"P {fixedCounts.Precision:0.000} R {fixedCounts.Recall:0.000} F1 {fixedCounts.F1:0.000}");
    }

    private static List<(double Risk, bool Positive)> Pick(
        IReadOnlyList<HaluExample> examples,
        double[] risks,
        Func<HaluExample, bool> include) =>
        examples.Select((example, index) => (example, index))
            .Where(pair => include(pair.example))
            .Select(pair => (risks[pair.index], pair.example.Hallucinated))
            .ToList();

    private static void Throughput(SentenceEmbedder embedder, IReadOnlyList<HaluExample> examples, TimeSpan duration)
    {
        var suite = OfflineEvaluatorSuite.Create(embedder);
        foreach (var example in examples.Take(4))
        {
            suite.EvaluateAll(example.Input);
        }

        foreach (var evaluator in suite.Evaluators)
        {
            var single = Stopwatch.StartNew();
            foreach (var example in examples)
            {
                evaluator.Evaluate(example.Input);
            }

            Console.WriteLine(
                $"  {evaluator.Name}: {single.Elapsed.TotalMilliseconds / examples.Count:0.00} ms per trace, " +
                "one thread");
        }

        var scored = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            var next = 0;
            while (clock.Elapsed < duration)
            {
                suite.EvaluateAll(examples[Interlocked.Increment(ref next) % examples.Count].Input);
                Interlocked.Increment(ref scored);
            }
        });

        var rate = scored / clock.Elapsed.TotalSeconds;
        Console.WriteLine(
            $"throughput: {scored} traces through all {suite.Evaluators.Count} offline evaluators in " +
            $"{clock.Elapsed.TotalSeconds:0.0} s on {Environment.ProcessorCount} threads: {rate:0.0} traces/s");
    }

    private static string DefaultDataPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "reference", "halueval-qa-dev.jsonl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("No reference/halueval-qa-dev.jsonl above the bench; pass --data.");
    }

    private static List<HaluExample> Load(string path)
    {
        var examples = new List<HaluExample>();
        var question = 0;
        foreach (var line in File.ReadLines(path).Where(line => line.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var knowledge = root.GetProperty("knowledge").GetString()!;
            var text = root.GetProperty("question").GetString()!;
            var fold = question++ % 2;
            examples.Add(new HaluExample(
                new OfflineEvaluationInput(text, root.GetProperty("right_answer").GetString()!, [knowledge]),
                Hallucinated: false,
                fold));
            examples.Add(new HaluExample(
                new OfflineEvaluationInput(text, root.GetProperty("hallucinated_answer").GetString()!, [knowledge]),
                Hallucinated: true,
                fold));
        }

        return examples;
    }

    private sealed record HaluExample(OfflineEvaluationInput Input, bool Hallucinated, int Fold);
}
