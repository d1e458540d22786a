using LlmObserve.Core.Scores;
using LlmObserve.Web.Overview;

namespace LlmObserve.Web.Quality;

/// <summary>A validated Quality query: the overview's range, a split and the filters.</summary>
public sealed record QualityQuery(OverviewRange Range, QualitySplit Split, QualityFilter Filter);

/// <summary>
/// Reads the Quality page's query string, shared by its URL and <c>GET /api/metrics/quality</c>: the overview's range
/// (<c>range</c> preset or <c>from</c>/<c>to</c>, rounded up to whole minutes), <c>split</c> (<c>environment</c>,
/// <c>release</c> or <c>model</c>) and the filters <c>environment</c>, <c>release</c> and <c>model</c>
/// (<c>(none)</c> picks traffic that named none). Every fault is reported, named after its parameter, and so is a
/// parameter it does not know.
/// </summary>
internal static class QualityQueryParser
{
    public static IReadOnlyList<string> Parameters { get; } =
        ["range", "from", "to", "split", "environment", "release", "model"];

    public static (QualityQuery? Query, Dictionary<string, string[]> Errors) Parse(
        IReadOnlyList<KeyValuePair<string, string?>> query,
        DateTimeOffset now)
    {
        var (range, errors) = OverviewRangeParser.Parse(query, now);
        foreach (var unknown in query.Select(p => p.Key).Where(k => !Parameters.Contains(k, StringComparer.Ordinal)))
        {
            errors.TryAdd(
                unknown,
                [$"'{unknown}' is not a parameter of the quality view; use {string.Join(", ", Parameters)}."]);
        }

        var values = query
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .ToLookup(p => p.Key, p => p.Value!.Trim());
        foreach (var name in Parameters.Where(n => values[n].Count() > 1))
        {
            errors.TryAdd(name, [$"'{name}' must be given once."]);
        }

        var split = Split(values["split"].FirstOrDefault(), errors);
        var filter = new QualityFilter(
            OverviewRangeParser.Stored(values["environment"].FirstOrDefault()),
            OverviewRangeParser.Stored(values["release"].FirstOrDefault()),
            OverviewRangeParser.Stored(values["model"].FirstOrDefault()));
        return range is null || errors.Count > 0
            ? (null, errors)
            : (new QualityQuery(range, split, filter), errors);
    }

    /// <summary>The split as the URL names it; null for none.</summary>
    public static string? Name(QualitySplit split) => split switch
    {
        QualitySplit.Environment => "environment",
        QualitySplit.Release => "release",
        QualitySplit.Model => "model",
        _ => null,
    };

    private static QualitySplit Split(string? text, Dictionary<string, string[]> errors)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "" or "none":
                return QualitySplit.None;
            case "environment":
                return QualitySplit.Environment;
            case "release":
                return QualitySplit.Release;
            case "model":
                return QualitySplit.Model;
            default:
                errors.TryAdd("split", ["'split' must be environment, release or model."]);
                return QualitySplit.None;
        }
    }
}
