using System.Globalization;

namespace LlmObserve.Web.Overview;

/// <summary>A validated overview range.</summary>
public sealed record OverviewRange(DateTimeOffset From, DateTimeOffset To, string? Preset);

/// <summary>
/// Reads the overview's range from a query string, shared by the page's URL and <c>GET /api/metrics/overview</c>:
/// a preset back from now (<c>range=24h</c>) or <c>from</c>/<c>to</c> as ISO 8601 times (UTC unless they carry an
/// offset). Every fault is reported, named after its parameter.
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

            return (new OverviewRange(now - match.Span, now, preset), errors);
        }

        var end = to ?? now;
        var start = from ?? end - TimeSpan.FromDays(1);
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
}
