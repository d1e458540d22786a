using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>languages</c> command: Lingua in one accuracy mode, in this process alone (run it once per mode, so one
/// mode's models never count in the other's memory): load time, managed heap and resident memory after loading, and
/// accuracy on <see cref="LanguageSamples"/> split into short and long texts, plus the time per text.
/// </summary>
internal static class LanguageBenchmark
{
    public static int Run(string[] args)
    {
        var mode = args.SkipWhile(a => a != "--mode").Skip(1).FirstOrDefault() ?? "low";
        var accuracy = mode switch
        {
            "low" => LanguageAccuracy.Low,
            "high" => LanguageAccuracy.High,
            _ => throw new ArgumentException($"--mode must be low or high, not '{mode}'."),
        };

        using var process = Process.GetCurrentProcess();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var residentBefore = process.WorkingSet64;
        var clock = Stopwatch.StartNew();
        var identifier = new LanguageIdentifier(accuracy);
        var load = clock.Elapsed;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var residentAfter = process.WorkingSet64;

        var results = new List<(bool Long, bool Right)>();
        var wrong = new List<string>();
        clock.Restart();
        foreach (var (code, isLong, text) in LanguageSamples.All)
        {
            var found = identifier.Identify(text);
            results.Add((isLong, found == code));
            if (found != code)
            {
                wrong.Add($"{code}→{found}: {text[..Math.Min(40, text.Length)]}");
            }
        }

        var perText = clock.Elapsed.TotalMilliseconds / LanguageSamples.All.Count;
        var questions = 0;
        foreach (var (code, text) in LanguageSamples.Questions)
        {
            var found = identifier.Identify(text);
            questions += found == code ? 1 : 0;
            if (found != code)
            {
                wrong.Add($"{code}→{found}: {text}");
            }
        }

        process.Refresh();
        string Share(bool isLong)
        {
            var part = results.Where(r => r.Long == isLong).ToList();
            return $"{part.Count(r => r.Right)}/{part.Count}";
        }

        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"languages --mode {mode}: {Environment.ProcessorCount} cores");
        Console.WriteLine(string.Create(
            invariant,
            $"  load {load.TotalSeconds:0.0} s; managed heap +{(heapAfter - heapBefore) / 1e6:0} MB; "
            + $"resident {residentBefore / 1e6:0} → {residentAfter / 1e6:0} MB "
            + $"(peak {process.PeakWorkingSet64 / 1e6:0} MB)"));
        Console.WriteLine(string.Create(
            invariant,
            $"  right: short answers {Share(false)}, long answers {Share(true)}, "
            + $"questions {questions}/{LanguageSamples.Questions.Count}; {perText:0.00} ms per text"));
        foreach (var line in wrong)
        {
            Console.WriteLine("  wrong " + line);
        }

        return 0;
    }
}
