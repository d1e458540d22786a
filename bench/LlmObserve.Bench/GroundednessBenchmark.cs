using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>groundedness</c> command: the offline groundedness evaluator on HaluEval QA (each question's right and
/// hallucinated answer against its passage): precision, recall, F1 and AUROC at the evaluator's own threshold,
/// then with ten-fold cross-validation by question (a threshold fitted on nine folds, applied to the tenth);
/// <c>--errors</c> prints each misclassified answer with its signals. Then the throughput of all offline
/// evaluators.
/// </summary>
internal static class GroundednessBenchmark
{
    public static int Run(string[] args)
    {
        var showErrors = args.Contains("--errors", StringComparer.OrdinalIgnoreCase);
        args = [.. args.Where(arg => !arg.Equals("--errors", StringComparison.OrdinalIgnoreCase))];
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
            AbsentWordFactor = Double("absent-factor", defaults.AbsentWordFactor),
            RestatementSupport = Double("restatement-support", defaults.RestatementSupport),
            Threshold = Double("threshold", defaults.Threshold),
        };
        Console.WriteLine($"options: {options}");
        var evaluator = new GroundednessEvaluator(embedder, options);
        clock.Restart();
        var results = examples.Select(example => evaluator.Evaluate(example.Input)).ToArray();
        Console.WriteLine(
            $"scored {results.Length} answers in {clock.Elapsed.TotalMilliseconds:0} ms " +
            $"({clock.Elapsed.TotalMilliseconds / results.Length:0.0} ms each, one thread)");

        ReportInSample(examples, results, options.Threshold);
        ReportSignalsAlone(embedder, examples, options);
        ReportCrossValidation(examples, results.Select(result => 1 - result.Score!.Value).ToArray());
        if (showErrors)
        {
            ReportErrors(examples, results);
        }

        Throughput(embedder, examples, TimeSpan.FromSeconds(seconds));
        return 0;
    }

    /// <summary>Figures at the evaluator's own threshold, which no fold chose: what a user of the defaults gets.
    /// </summary>
    private static void ReportInSample(
        IReadOnlyList<HaluExample> examples,
        IReadOnlyList<OfflineEvaluationResult> results,
        double threshold)
    {
        var labelled = examples.Zip(results, (example, result) =>
                (Risk: result.Label == OfflineLabels.Hallucinated ? 1.0 : 0.0, Positive: example.Hallucinated))
            .ToList();
        var scored = examples.Zip(results, (example, result) => (Risk: 1 - result.Score!.Value, example.Hallucinated))
            .Select(pair => (pair.Risk, Positive: pair.Hallucinated))
            .ToList();
        var counts = ClassificationMetrics.Count(labelled, 0.5);
        Console.WriteLine(
            $"in-sample, the evaluator's own threshold {threshold:0.00} (a rule, not fitted): " + Describe(counts) +
            $"; AUROC {ClassificationMetrics.Auroc(scored):0.000}");
        var best = ClassificationMetrics.BestF1Threshold(scored);
        Console.WriteLine(
            $"in-sample, the best threshold for this file ({1 - best:0.000} on the score, optimistic): " +
            Describe(ClassificationMetrics.Count(scored, best)));
    }

    /// <summary>
    /// Each signal's AUROC on its own, through the options: similarity alone (no word counted, cosine mapped
    /// onto [0, 1] unclipped) and words alone (every claim fully on topic).
    /// </summary>
    private static void ReportSignalsAlone(
        SentenceEmbedder embedder,
        IReadOnlyList<HaluExample> examples,
        GroundednessOptions options)
    {
        var similarityAlone = options with
        {
            AbsentWordFactor = 1,
            RestatementSupport = 1,
            CosineFloor = 0,
            CosineCeiling = 1,
        };
        var wordsAlone = options with { CosineFloor = -2, CosineCeiling = -1 };
        double? Auroc(GroundednessOptions variant)
        {
            var evaluator = new GroundednessEvaluator(embedder, variant);
            return ClassificationMetrics.Auroc([
                .. examples.Select(example =>
                    (1 - evaluator.Evaluate(example.Input).Score!.Value, example.Hallucinated)),
            ]);
        }

        Console.WriteLine(
            $"signals alone: AUROC of similarity {Auroc(similarityAlone):0.000}, " +
            $"of words {Auroc(wordsAlone):0.000}");
    }

    /// <summary>
    /// Ten folds by question, so both answers to a question are always held out together: the threshold is fitted
    /// on nine folds and applied to the tenth, and the held-out counts are pooled.
    /// </summary>
    private static void ReportCrossValidation(IReadOnlyList<HaluExample> examples, double[] risks)
    {
        const int Folds = 10;
        var pooled = new List<(double Risk, bool Positive)>();
        var counts = new BinaryCounts();
        var thresholds = new List<string>();
        for (var fold = 0; fold < Folds; fold++)
        {
            var tune = Pick(examples, risks, example => example.Question % Folds != fold);
            var test = Pick(examples, risks, example => example.Question % Folds == fold);
            var threshold = ClassificationMetrics.BestF1Threshold(tune);
            var held = ClassificationMetrics.Count(test, threshold);
            thresholds.Add((1 - threshold).ToString("0.000", CultureInfo.InvariantCulture));
            pooled.AddRange(test);
            counts = new BinaryCounts(
                counts.TruePositives + held.TruePositives,
                counts.FalsePositives + held.FalsePositives,
                counts.FalseNegatives + held.FalseNegatives,
                counts.TrueNegatives + held.TrueNegatives);
        }

        Console.WriteLine(
            $"10-fold cross-validation by question, thresholds fitted per fold: {string.Join(' ', thresholds)}");
        Console.WriteLine(
            "cross-validated, held-out folds pooled (hallucinated = positive): " + Describe(counts) +
            $"; AUROC {ClassificationMetrics.Auroc(pooled):0.000} (scores are not fitted: it is the in-sample one)");
    }

    private static void ReportErrors(
        IReadOnlyList<HaluExample> examples,
        OfflineEvaluationResult[] results)
    {
        Console.WriteLine("misclassified at the evaluator's own threshold:");
        for (var i = 0; i < examples.Count; i++)
        {
            var predicted = results[i].Label == OfflineLabels.Hallucinated;
            if (predicted == examples[i].Hallucinated)
            {
                continue;
            }

            var verdict = examples[i].Hallucinated ? "hallucinated, called grounded" : "grounded, called hallucinated";
            Console.WriteLine($"  q{examples[i].Question} {verdict} (score {results[i].Score:0.000})");
            Console.WriteLine($"    question: {examples[i].Input.Input}");
            Console.WriteLine($"    answer:   {examples[i].Input.Output}");
            Console.WriteLine($"    signals:  {results[i].Explanation}");
        }
    }

    private static string Describe(BinaryCounts counts) =>
        $"P {counts.Precision:0.000} R {counts.Recall:0.000} F1 {counts.F1:0.000} " +
        $"(TP {counts.TruePositives} FP {counts.FalsePositives} FN {counts.FalseNegatives} TN {counts.TrueNegatives})";

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
            var index = question++;
            examples.Add(new HaluExample(
                new OfflineEvaluationInput(text, root.GetProperty("right_answer").GetString()!, [knowledge]),
                Hallucinated: false,
                index));
            examples.Add(new HaluExample(
                new OfflineEvaluationInput(text, root.GetProperty("hallucinated_answer").GetString()!, [knowledge]),
                Hallucinated: true,
                index));
        }

        return examples;
    }

    private sealed record HaluExample(OfflineEvaluationInput Input, bool Hallucinated, int Question);
}
