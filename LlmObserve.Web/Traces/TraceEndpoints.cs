using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Traces;

/// <summary>The body of <c>GET /api/traces</c>.</summary>
public sealed record TraceListResponse(IReadOnlyList<TraceSummary> Data, string? NextCursor);

/// <summary>The body of <c>GET /api/traces/count</c>: the count up to a cap, and whether more exist.</summary>
public sealed record TraceCountResponse(int Count, bool Capped);

/// <summary>The read API of traces, scoped to the project of the caller's key, and the list page's export.</summary>
internal static class TraceEndpoints
{
    /// <summary>Counts stop here: past it a count would cost more than the page it describes.</summary>
    public const int CountCap = 10_000;

    public static WebApplication MapLlmObserveTraces(this WebApplication app)
    {
        var group = app.MapGroup("/api/traces")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.Read);
        group.MapGet("/", ListAsync);
        group.MapGet("/count", CountAsync);
        group.MapGet("/export", ExportAsync);
        group.MapGet("/{traceId}", GetAsync);

        // The list page's download. Pages have no login yet, so, like the pages, it shows the first project;
        // it moves behind the account session when accounts arrive (a later issue).
        app.MapGet("/export/traces", PageExportAsync);

        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        TraceQueries queries,
        TimeProvider time,
        CancellationToken cancel)
    {
        var (query, errors) = TraceListQueryParser.Parse(http.Request.Query, time.GetUtcNow());
        if (query is null)
        {
            return InvalidParameters(errors);
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var page = await queries.ListAsync(projectId, query.Filter, query.Sort, query.Cursor, query.Limit, cancel);
        return Results.Ok(new TraceListResponse(page.Data, page.NextCursor));
    }

    private static async Task<IResult> CountAsync(
        HttpContext http,
        TraceQueries queries,
        TimeProvider time,
        CancellationToken cancel)
    {
        var (query, errors) = TraceListQueryParser.Parse(http.Request.Query, time.GetUtcNow());
        if (query is null)
        {
            return InvalidParameters(errors);
        }

        var count = await queries.CountAsync(http.GetApiKeyIdentity().ProjectId, query.Filter, CountCap, cancel);
        return Results.Ok(new TraceCountResponse(count.Count, count.Capped));
    }

    private static Task<IResult> ExportAsync(
        HttpContext http,
        TraceQueries queries,
        TimeProvider time,
        CancellationToken cancel)
        => StreamExportAsync(http, queries, http.GetApiKeyIdentity().ProjectId, time, cancel);

    private static async Task<IResult> PageExportAsync(
        HttpContext http,
        TraceQueries queries,
        CurrentProject currentProject,
        TimeProvider time,
        CancellationToken cancel)
    {
        // The signed-in person's current project, and only for a role that reads traces (not a reviewer).
        var project = await currentProject.GetAsync(cancel);
        if (project is null)
        {
            return Results.Problem(
                title: "No project",
                detail: "You are not a member of any project.",
                statusCode: StatusCodes.Status404NotFound);
        }

        return project.Role.Satisfies(ProjectRole.Viewer)
            ? await StreamExportAsync(http, queries, project.ProjectId, time, cancel)
            : Results.Problem(
                title: "Forbidden",
                detail: $"You need the viewer role in project {project.ProjectName} to export its traces.",
                statusCode: StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> StreamExportAsync(
        HttpContext http,
        TraceQueries queries,
        string projectId,
        TimeProvider time,
        CancellationToken cancel)
    {
        var (query, errors) = TraceListQueryParser.Parse(http.Request.Query, time.GetUtcNow());
        var formatText = http.Request.Query["format"].ToString();
        TraceExportFormat? format = formatText switch
        {
            "csv" => TraceExportFormat.Csv,
            "jsonl" => TraceExportFormat.Jsonl,
            _ => null,
        };
        if (format is null)
        {
            errors.TryAdd("format", ["'format' must be csv or jsonl."]);
        }

        if (query is null || format is not { } chosen || errors.Count > 0)
        {
            return InvalidParameters(errors);
        }

        http.Response.ContentType = TraceExportWriter.ContentType(chosen);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{TraceExportWriter.FileName(chosen)}\"";
        var rows = queries.ExportAsync(projectId, query.Filter, query.Sort, cancel);
        await TraceExportWriter.WriteAsync(http.Response.Body, chosen, rows, cancel);
        return Results.Empty;
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
