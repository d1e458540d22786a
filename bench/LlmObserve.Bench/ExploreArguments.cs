using System.Globalization;

namespace LlmObserve.Bench;

/// <summary>Options of the <c>explore</c> command; the store size and the browser runs are bounded.</summary>
internal sealed record ExploreArguments(int Traces, string? StoreDirectory, IReadOnlySet<string> Phases, int Runs)
{
    public static ExploreArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback)
            => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var phases = values.GetValueOrDefault("phases", "queries,open")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new ExploreArguments(
            Traces: Math.Clamp(Int("traces", 1_000_000), 1_000, 10_000_000),
            StoreDirectory: values.TryGetValue("store", out var store) ? Path.GetFullPath(store) : null,
            Phases: phases,
            Runs: Math.Clamp(Int("runs", 10), 1, 50));
    }
}
