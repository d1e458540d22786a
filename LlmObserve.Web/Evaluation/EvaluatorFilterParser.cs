using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// Reads an evaluator's filter written as the trace list's query string (<c>environment=production&amp;tag=rag</c>,
/// or a whole <c>/traces?…</c> address copied from the browser) with the trace list's own parser, so an evaluator
/// picks exactly the traces the list shows for the same query. Time, sort and paging are not filters and are refused.
/// </summary>
internal static class EvaluatorFilterParser
{
    /// <summary>The trace-list parameters that select traces, in the order the canonical form writes them.</summary>
    public static IReadOnlyList<string> FilterParameters { get; } =
    [
        "name", "environment", "release", "model", "tag", "status", "sessionId", "userId", "search",
        "minLatencyMs", "maxLatencyMs", "minCost", "maxCost", "scoreName", "minScore", "maxScore",
    ];

    /// <returns>The filter and its canonical query string, or the reasons it was refused.</returns>
    public static (TraceFilter Filter, string Query, IReadOnlyList<string> Errors) Parse(
        string? text,
        DateTimeOffset now)
    {
        var query = (text ?? string.Empty).Trim();
        var mark = query.IndexOf('?', StringComparison.Ordinal);
        if (mark >= 0)
        {
            query = query[(mark + 1)..];
        }

        if (query.Length == 0)
        {
            return (TraceFilter.None, string.Empty, []);
        }

        var parameters = QueryHelpers.ParseQuery(query);
        var errors = new List<string>();
        foreach (var name in parameters.Keys.Where(name => !FilterParameters.Contains(name, StringComparer.Ordinal)))
        {
            errors.Add($"'{name}' is not a trace filter an evaluator can use; use "
                + string.Join(", ", FilterParameters) + ".");
        }

        var selected = parameters
            .Where(p => FilterParameters.Contains(p.Key, StringComparer.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var (parsed, listErrors) = TraceListQueryParser.Parse(new QueryCollection(selected), now);
        errors.AddRange(listErrors.SelectMany(pair => pair.Value));
        if (parsed is null || errors.Count > 0)
        {
            return (TraceFilter.None, string.Empty, errors);
        }

        var canonical = string.Join('&', FilterParameters
            .Where(name => selected.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value)
                && !string.IsNullOrWhiteSpace(value.ToString()))
            .Select(name => $"{name}={Uri.EscapeDataString(selected[name].ToString().Trim())}"));
        return (parsed.Filter, canonical, []);
    }
}
