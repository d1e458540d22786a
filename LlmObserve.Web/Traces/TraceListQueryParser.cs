using System.Globalization;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>A validated <c>GET /api/traces</c> request.</summary>
public sealed record TraceListQuery(TraceFilter Filter, TraceSort Sort, TraceCursor? Cursor, int Limit);

/// <summary>
/// Reads the query string of <c>GET /api/traces</c>, of its count and export, and of the trace list page, which
/// uses the same names so a page's URL is also an API query. Parsing by hand, rather than through parameter
/// binding, lets every fault be reported at once and named after the parameter that caused it.
/// </summary>
internal static class TraceListQueryParser
{
    /// <summary>The time range presets, each the span back from now that it covers.</summary>
    public static IReadOnlyList<(string Name, string Label, TimeSpan? Span)> Ranges { get; } =
    [
        ("15m", "Last 15 minutes", TimeSpan.FromMinutes(15)),
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("30d", "Last 30 days", TimeSpan.FromDays(30)),
        ("all", "All time", null),
    ];

    public static (TraceListQuery? Query, Dictionary<string, string[]> Errors) Parse(
        IQueryCollection query,
        DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reader = new Reader(query, errors);

        var filter = new TraceFilter
        {
            From = reader.Time("from"),
            To = reader.Time("to"),
            MinLatencyMs = reader.NonNegative("minLatencyMs"),
            MaxLatencyMs = reader.NonNegative("maxLatencyMs"),
            MinCost = reader.NonNegative("minCost"),
            MaxCost = reader.NonNegative("maxCost"),
            Status = reader.Text("status")?.ToLowerInvariant(),
            Name = reader.Text("name"),
            SessionId = reader.Text("sessionId"),
            UserId = reader.Text("userId"),
            Model = reader.Text("model"),
            Tag = reader.Text("tag"),
            Environment = reader.Text("environment"),
            Release = reader.Text("release"),
            Search = reader.Text("search"),
            ScoreName = reader.Text("scoreName"),
            MinScore = reader.Number("minScore"),
            MaxScore = reader.Number("maxScore"),
            ScoreLabel = reader.Text("scoreLabel"),
            Feedback = reader.Text("feedback")?.ToLowerInvariant(),
        };
        var rangeText = reader.Text("range");
        var sortText = reader.Text("sort");
        var orderText = reader.Text("order");
        var cursorText = reader.Text("cursor");
        var limitText = reader.Text("limit");

        if (rangeText is not null)
        {
            var preset = Ranges.FirstOrDefault(r => r.Name == rangeText);
            if (preset.Name is null)
            {
                var names = string.Join(", ", Ranges.Select(r => r.Name));
                errors.TryAdd("range", [$"'range' must be one of {names}."]);
            }
            else if (filter.From is not null || filter.To is not null)
            {
                errors.TryAdd("range", ["'range' cannot be combined with 'from' or 'to'."]);
            }
            else if (preset.Span is { } span)
            {
                filter = filter with { From = now - span };
            }
        }

        if (filter.Search is not null && TraceSearchText.ToMatchQuery(filter.Search) is null)
        {
            errors.TryAdd("search", ["'search' needs at least one letter or digit."]);
        }

        if (filter.ScoreName is null && (filter.MinScore is not null || filter.MaxScore is not null))
        {
            errors.TryAdd("scoreName", ["'scoreName' is needed to bound a score."]);
        }

        if (filter.ScoreName is null && filter.ScoreLabel is not null)
        {
            errors.TryAdd("scoreName", ["'scoreName' is needed to filter on a score label."]);
        }

        if (filter.Feedback is { } feedback && !TraceFeedbackFilter.IsValid(feedback))
        {
            errors.TryAdd("feedback", [$"'feedback' must be one of {string.Join(", ", TraceFeedbackFilter.Values)}."]);
        }

        if (filter.MaxScore < filter.MinScore)
        {
            errors.TryAdd("maxScore", ["'maxScore' must not be below 'minScore'."]);
        }

        var sort = TraceSort.Default;
        if (sortText is not null)
        {
            if (TraceSort.TryParseKey(sortText, out var key))
            {
                sort = sort with { Key = key };
            }
            else
            {
                errors.TryAdd("sort", ["'sort' must be one of start, latency, cost, tokens, score."]);
            }
        }

        if (sort.Key == TraceSortKey.Score && filter.ScoreName is null && !errors.ContainsKey("scoreName"))
        {
            errors.TryAdd("sort", ["'sort=score' orders by the score named in 'scoreName'; set 'scoreName'."]);
        }

        if (orderText is not null)
        {
            if (orderText is "asc" or "desc")
            {
                sort = sort with { Descending = orderText == "desc" };
            }
            else
            {
                errors.TryAdd("order", ["'order' must be asc or desc."]);
            }
        }

        if (filter.To < filter.From)
        {
            errors.TryAdd("to", ["'to' must not be before 'from'."]);
        }

        if (filter.MaxLatencyMs < filter.MinLatencyMs)
        {
            errors.TryAdd("maxLatencyMs", ["'maxLatencyMs' must not be below 'minLatencyMs'."]);
        }

        if (filter.MaxCost < filter.MinCost)
        {
            errors.TryAdd("maxCost", ["'maxCost' must not be below 'minCost'."]);
        }

        if (filter.Status is not (null or SpanStatus.Ok or SpanStatus.Error or SpanStatus.Unset))
        {
            errors.TryAdd("status", ["'status' must be one of ok, error, unset."]);
        }

        TraceCursor? cursor = null;
        if (cursorText is not null)
        {
            if (TraceCursor.TryDecode(cursorText, out var decoded) && decoded!.Sort == sort)
            {
                cursor = decoded;
            }
            else
            {
                errors.TryAdd("cursor", ["'cursor' is not a cursor this API returned for this sort."]);
            }
        }

        var limit = TraceQueries.DefaultLimit;
        if (limitText is not null
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                || limit < 1
                || limit > TraceQueries.MaxLimit))
        {
            errors.TryAdd("limit", [$"'limit' must be a whole number from 1 to {TraceQueries.MaxLimit}."]);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new TraceListQuery(filter, sort, cursor, limit), errors);
    }

    private sealed class Reader(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        /// <summary>The single non-empty value of a parameter, or null; a repeated parameter is an error.</summary>
        public string? Text(string name)
        {
            if (!query.TryGetValue(name, out var values))
            {
                return null;
            }

            if (values.Count > 1)
            {
                errors.TryAdd(name, [$"'{name}' must be given once."]);
                return null;
            }

            var value = values[0];
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        public DateTimeOffset? Time(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(
                    text,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                    out var value))
            {
                return value;
            }

            errors.TryAdd(name, [$"'{name}' must be an ISO-8601 date and time, e.g. 2026-12-04T15:00:00Z."]);
            return null;
        }

        public double? Number(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value))
            {
                return value;
            }

            errors.TryAdd(name, [$"'{name}' must be a number."]);
            return null;
        }

        public double? NonNegative(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value)
                && value >= 0)
            {
                return value;
            }

            errors.TryAdd(name, [$"'{name}' must be a number of at least 0."]);
            return null;
        }
    }
}
