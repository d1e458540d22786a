using System.Globalization;

namespace LlmObserve.Bench;

/// <summary>Options of the <c>ingest</c> command; every phase is bounded by both time and trace count.</summary>
internal sealed record BenchArguments(
    int Seconds,
    long Traces,
    int Senders,
    int BatchTraces,
    string Synchronous,
    int RawSpansPerTransaction,
    IReadOnlySet<string> Phases,
    int? PageSize,
    bool LateRoots,
    bool BuildDuringLoad,
    bool Redact,
    int? WarmupSeconds)
{
    public static BenchArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option, got '{args[i]}'.");
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = hasValue ? args[++i] : "true";
        }

        int Int(string name, int fallback)
            => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        return new BenchArguments(
            Seconds: Math.Clamp(Int("seconds", 20), 1, 600),
            Traces: Math.Clamp(Int("traces", 200_000), 10, 10_000_000),
            Senders: Math.Clamp(Int("senders", 8), 1, 256),
            BatchTraces: Math.Clamp(Int("batch-traces", 10), 1, 1000),
            Synchronous: values.GetValueOrDefault("synchronous", "FULL").ToUpperInvariant(),
            RawSpansPerTransaction: Math.Clamp(Int("raw-tx", 5_000), 6, 1_000_000),
            Phases: values.GetValueOrDefault("phases", "raw,writer,http").Split(',').ToHashSet(),
            PageSize: values.ContainsKey("page-size") ? Int("page-size", 4096) : null,
            LateRoots: values.ContainsKey("late-roots"),
            BuildDuringLoad: values.ContainsKey("build-during-load"),
            Redact: values.ContainsKey("redact"),
            WarmupSeconds: values.ContainsKey("warmup") ? Math.Clamp(Int("warmup", 3), 1, 120) : null);
    }
}
