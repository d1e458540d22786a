using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.WebUtilities;

namespace LlmObserve.Web.Annotation;

/// <summary>
/// Reads a queue's filter: the trace list's query string (or a whole /traces URL), as the list reads it.
/// </summary>
internal static class AnnotationFilter
{
    public static (TraceFilter? Filter, string Text, IReadOnlyList<FieldError> Errors) Parse(
        string? text,
        DateTimeOffset now)
    {
        var query = (text ?? string.Empty).Trim();
        var mark = query.IndexOf('?', StringComparison.Ordinal);
        if (mark >= 0)
        {
            query = query[(mark + 1)..];
        }

        var parameters = QueryHelpers.ParseQuery(query);
        parameters.Remove("trace");
        parameters.Remove("sort");
        parameters.Remove("order");
        parameters.Remove("cursor");
        parameters.Remove("limit");
        var (parsed, errors) = TraceListQueryParser.Parse(new QueryCollection(parameters), now);
        if (parsed is null)
        {
            return (null, query, [.. errors.Select(e => new FieldError("filter", $"{e.Key}: {e.Value[0]}"))]);
        }

        var canonical = QueryString.Create(parameters.SelectMany(p => p.Value.Select(v => (p.Key, v)))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.v))).ToString().TrimStart('?');
        return (parsed.Filter, canonical, []);
    }
}
