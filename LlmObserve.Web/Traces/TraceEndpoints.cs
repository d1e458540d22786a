using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Traces;

/// <summary>The body of <c>GET /api/traces</c>.</summary>
public sealed record TraceListResponse(IReadOnlyList<TraceSummary> Data, string? NextCursor);

/// <summary>The read API of traces, scoped to the project of the caller's key.</summary>
internal static class TraceEndpoints
{
    public static WebApplication MapLlmObserveTraces(this WebApplication app)
    {
        var group = app.MapGroup("/api/traces").RequireApiKey();
        group.MapGet("/", ListAsync);
        group.MapGet("/{traceId}", GetAsync);

        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, TraceQueries queries, CancellationToken cancel)
    {
        var (query, errors) = TraceListQueryParser.Parse(http.Request.Query);
        if (query is null)
        {
            return InvalidParameters(errors);
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var page = await queries.ListAsync(projectId, query.Filter, query.Cursor, query.Limit, cancel);
        return Results.Ok(new TraceListResponse(page.Data, page.NextCursor));
    }

    private static async Task<IResult> GetAsync(
        string traceId,
        HttpContext http,
        TraceQueries queries,
        CancellationToken cancel)
    {
        var normalized = TraceIds.NormalizeTraceId(traceId);
        if (normalized is null)
        {
            return InvalidParameters(new Dictionary<string, string[]>
            {
                ["traceId"] = ["'traceId' must be 32 hexadecimal characters."],
            });
        }

        // Another project's trace is reported exactly like a missing one, so ids of other projects cannot be probed.
        var trace = await queries.GetAsync(http.GetApiKeyIdentity().ProjectId, normalized, cancel);
        return trace is null
            ? Results.Problem(
                title: "Trace not found",
                detail: $"No trace with id {normalized} exists in this project.",
                statusCode: StatusCodes.Status404NotFound)
            : Results.Ok(trace);
    }

    private static IResult InvalidParameters(Dictionary<string, string[]> errors)
        => Results.ValidationProblem(
            errors,
            detail: "Invalid query or route parameter: " + string.Join(", ", errors.Keys) + ".",
            title: "Invalid request parameters");
}
