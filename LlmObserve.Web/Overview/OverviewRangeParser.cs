using System.Globalization;
using LlmObserve.Core.Metrics;

namespace LlmObserve.Web.Overview;

/// <summary>A validated overview range, in whole minutes (<see cref="OverviewQueries.ToWholeMinute"/>).</summary>
public sealed record OverviewRange(DateTimeOffset From, DateTimeOffset To, string? Preset);

/// <summary>A validated overview query: its range, the split asked for (null: none named) and the filter.</summary>
public sealed record OverviewQuery(OverviewRange Range, OverviewSplit? Split, OverviewFilter Filter);

/// <summary>
/// Reads the overview's range from a query string, shared by the page's URL and <c>GET /api/metrics/overview</c>:
/// a preset back from now (<c>range=24h</c>) or <c>from</c>/<c>to</c> as ISO 8601 times (UTC unless they carry an
/// offset), both rounded up to a whole minute; <c>split</c> (<c>environment</c> or <c>model</c>); and the filters
/// <c>environment</c> and <c>model</c> (<see cref="MetricLabels.None"/> picks traffic that named none). Every fault
/// is reported, named after its parameter, and so is a parameter it does not know.
/// </summary>
internal static class OverviewRangeParser
{
    public const string DefaultPreset = "24h";

    /// <summary>The longest range a custom from/to may span: rollups are read, but a chart has its limits.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    public static IReadOnlyList<(string Name, string Label, TimeSpan Span)> Presets { get; } =
    [
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("6h", "Last 6 hours", TimeSpan.FromHours(6)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("30d", "Last 30 days", TimeSpan.FromDays(30)),
        ("90d", "Last 90 days", TimeSpan.FromDays(90)),
    ];

    public static IReadOnlyList<string> Parameters { get; } =
        ["range", "from", "to", "split", "environment", "model"];

    /// <summary>Reads the whole query; a parameter not in <see cref="Parameters"/> is an error named for it.</summary>
    public static (OverviewQuery? Query, Dictionary<string, string[]> Errors) ParseQuery(
        IReadOnlyList<KeyValuePair<string, string?>> query,
        DateTimeOffset now)
    {
        var (range, errors) = Parse(query, now);
        foreach (var unknown in query.Select(p => p.Key).Where(k => !Parameters.Contains(k, StringComparer.Ordinal)))
        {
            errors.TryAdd(
                unknown,
                [$"'{unknown}' is not a parameter of the overview; use {string.Join(", ", Parameters)}."]);
        }

        var values = query
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .ToLookup(p => p.Key, p => p.Value!.Trim());
        var split = Split(values["split"].FirstOrDefault(), errors);
        var filter = new OverviewFilter(
            Stored(values["environment"].FirstOrDefault()),
            Stored(values["model"].FirstOrDefault()));
        return range is null || errors.Count > 0
            ? (null, errors)
            : (new OverviewQuery(range, split, filter), errors);
    }

    /// <summary>Reads <c>split</c>: null when absent, an error named <c>split</c> when not a known split.</summary>
    public static OverviewSplit? Split(string? text, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "":
                return null;
            case "environment":
                return OverviewSplit.Environment;
            case "model":
                return OverviewSplit.Model;
            default:
                errors.TryAdd("split", ["'split' must be environment or model."]);
                return null;
        }
    }

    /// <summary>The stored value of an environment or model filter: "(none)" is what was not named.</summary>
    public static string? Stored(string? label)
        => string.IsNullOrWhiteSpace(label) ? null : label.Trim() == MetricLabels.None ? string.Empty : label.Trim();

    public static (OverviewRange? Range, Dictionary<string, string[]> Errors) Parse(
        IEnumerable<KeyValuePair<string, string?>> query,
        DateTimeOffset now)
    {
        var values = query
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value!.Trim(), StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = Time(values, "from", errors);
        var to = Time(values, "to", errors);
        values.TryGetValue("range", out var preset);

        if (preset is not null && (values.ContainsKey("from") || values.ContainsKey("to")))
        {
            errors.TryAdd("range", ["'range' cannot be combined with 'from' or 'to'."]);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        if (from is null && to is null)
        {
            preset ??= DefaultPreset;
            var match = Presets.FirstOrDefault(p => p.Name == preset);
            if (match.Name is null)
            {
                errors.TryAdd("range", [$"'range' must be one of {string.Join(", ", Presets.Select(p => p.Name))}."]);
                return (null, errors);
            }

            var until = OverviewQueries.ToWholeMinute(now);
            return (new OverviewRange(until - match.Span, until, preset), errors);
        }

        var end = OverviewQueries.ToWholeMinute(to ?? now);
        var start = OverviewQueries.ToWholeMinute(from ?? end - TimeSpan.FromDays(1));
        if (end <= start)
        {
            errors.TryAdd("to", ["'to' must be after 'from'."]);
        }
        else if (end - start > MaxRange)
        {
            errors.TryAdd("from", [$"The range may span at most {MaxRange.TotalDays:0} days."]);
        }

        return errors.Count > 0 ? (null, errors) : (new OverviewRange(start, end, null), errors);
    }

    private static DateTimeOffset? Time(
        Dictionary<string, string> values,
        string name,
        Dictionary<string, string[]> errors)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var time))
        {
            return time;
        }

        errors.TryAdd(name, [$"'{name}' must be an ISO 8601 time such as 2026-12-04T10:00:00Z."]);
        return null;
    }

    /// <summary>A bucket size as the pages name it under their charts: "5 minutes", "1 hour", "1 day".</summary>
    public static string StepText(TimeSpan step) => step switch
    {
        { TotalDays: >= 1 } => step.TotalDays == 1 ? "1 day" : $"{step.TotalDays:0} days",
        { TotalHours: >= 1 } => step.TotalHours == 1 ? "1 hour" : $"{step.TotalHours:0} hours",
        _ => step.TotalMinutes == 1 ? "1 minute" : $"{step.TotalMinutes:0} minutes",
    };
}
