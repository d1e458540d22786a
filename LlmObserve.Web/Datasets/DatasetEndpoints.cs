using System.Text;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Datasets;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Datasets;

/// <summary>The body of <c>POST /api/datasets</c>.</summary>
public sealed record DatasetRequest(string? Name, string? Description);

/// <summary>The body of <c>POST /api/datasets/{id}/items/from-trace</c> and <c>…/from-annotation</c>.</summary>
public sealed record DatasetSourceRequest(string? TraceId, long? AnnotationItemId, string? ExpectedOutput);

/// <summary>The body of <c>PUT /api/datasets/{id}/items/{itemId}/expected-output</c>.</summary>
public sealed record ExpectedOutputRequest(string? ExpectedOutput);

/// <summary>Datasets and their items over the API, with the project key; import and export as CSV or JSONL.</summary>
internal static class DatasetEndpoints
{
    public const int MaxImportBytes = 20 * 1024 * 1024;

    public static WebApplication MapLlmObserveDatasets(this WebApplication app)
    {
        var datasets = app.MapGroup("/api/datasets")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        datasets.MapPost("/", CreateAsync);
        datasets.MapGet("/", async (HttpContext http, DatasetService service, CancellationToken c)
            => Results.Ok(await service.ListAsync(ProjectOf(http), c)))
            .RequireKeyScope(ApiKeyScope.Read);
        datasets.MapGet("/{id}", GetAsync).RequireKeyScope(ApiKeyScope.Read);
        datasets.MapPost("/{id}/items", AddAsync);
        datasets.MapPost("/{id}/items/from-trace", FromTraceAsync);
        datasets.MapPost("/{id}/items/from-annotation", FromAnnotationAsync);
        datasets.MapPut("/{id}/items/{itemId}/expected-output", EditExpectedAsync);
        datasets.MapDelete(
            "/{id}/items/{itemId}",
            async (string id, string itemId, HttpContext http, DatasetService service, CancellationToken c)
                => Answer(await service.DeleteItemAsync(ProjectOf(http), id, itemId, c), deleted: true))
            .Audited(AuditActions.DatasetItemDeleted);
        datasets.MapPost("/{id}/import", ImportAsync)
            .WithBodyLimit(MaxImportBytes, "the dataset import limit of 20 MB");
        datasets.MapGet("/{id}/export", ExportAsync).RequireKeyScope(ApiKeyScope.Read);

        var experiments = app.MapGroup("/api/experiments")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        ExperimentEndpoints.Map(experiments);
        return app;
    }

    internal static string ProjectOf(HttpContext http) => http.GetApiKeyIdentity().ProjectId;

    private static async Task<IResult> CreateAsync(HttpContext http, DatasetService service, CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<DatasetRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (dataset, errors) = await service.CreateAsync(ProjectOf(http), request.Name, request.Description, cancel);
        return dataset is null
            ? RequestJson.Invalid(errors, "The dataset was not created")
            : Results.Created($"/api/datasets/{dataset.Id}", dataset);
    }

    private static async Task<IResult> GetAsync(
        string id,
        string? version,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        if (!TryVersion(version, out var at))
        {
            return RequestJson.Invalid([new("version", "'version' is a whole number from 1.")]);
        }

        var detail = await service.GetAsync(ProjectOf(http), id, at, cancel);
        if (detail is null)
        {
            return RequestJson.NotFound("dataset");
        }

        return at > detail.Dataset.Version
            ? RequestJson.Invalid([new("version", $"The dataset is at version {detail.Dataset.Version}.")])
            : Results.Ok(detail);
    }

    private static async Task<IResult> AddAsync(
        string id,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<DatasetItemDraft>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var draft = request with { SourceAnnotationItemId = null };
        return Answer(await service.AddItemAsync(ProjectOf(http), id, draft, cancel));
    }

    private static async Task<IResult> FromTraceAsync(
        string id,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<DatasetSourceRequest>(http, cancel);
        return request is null
            ? problem!
            : Answer(await service.AddFromTraceAsync(
                ProjectOf(http),
                id,
                request.TraceId,
                request.ExpectedOutput,
                cancel));
    }

    private static async Task<IResult> FromAnnotationAsync(
        string id,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<DatasetSourceRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        if (request.AnnotationItemId is not { } itemId)
        {
            return RequestJson.Invalid([new("annotationItemId", "'annotationItemId' is required.")]);
        }

        return Answer(await service.AddFromAnnotationItemAsync(
            ProjectOf(http),
            id,
            itemId,
            request.ExpectedOutput,
            cancel));
    }

    private static async Task<IResult> EditExpectedAsync(
        string id,
        string itemId,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<ExpectedOutputRequest>(http, cancel);
        return request is null
            ? problem!
            : Answer(await service.UpdateExpectedOutputAsync(
                ProjectOf(http),
                id,
                itemId,
                request.ExpectedOutput,
                cancel));
    }

    private static async Task<IResult> ImportAsync(
        string id,
        string? format,
        bool? skipBadRows,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        if (!DatasetFiles.IsFormat(format))
        {
            return RequestJson.Invalid([new("format", "'format' is csv or jsonl.")]);
        }

        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancel);
        var (result, notFound) = await service.ImportAsync(
            ProjectOf(http),
            id,
            format!,
            text,
            skipBadRows ?? false,
            cancel);
        if (notFound)
        {
            return RequestJson.NotFound("dataset");
        }

        if (result!.Applied)
        {
            return Results.Ok(result);
        }

        var first = result.Errors[0];
        return Results.Problem(
            title: "Nothing was imported",
            detail: (first.Row > 0 ? $"Row {first.Row}: " : string.Empty) + first.Reason
                + (result.Errors.Count > 1 ? $" ({result.Errors.Count} rows are broken)" : string.Empty)
                + " Fix the rows or pass skipBadRows=true to import the others.",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["rows"] = result.Errors });
    }

    private static async Task<IResult> ExportAsync(
        string id,
        string? format,
        string? version,
        HttpContext http,
        DatasetService service,
        CancellationToken cancel)
    {
        format ??= DatasetFiles.Jsonl;
        if (!DatasetFiles.IsFormat(format))
        {
            return RequestJson.Invalid([new("format", "'format' is csv or jsonl.")]);
        }

        if (!TryVersion(version, out var at))
        {
            return RequestJson.Invalid([new("version", "'version' is a whole number from 1.")]);
        }

        var text = await service.ExportAsync(ProjectOf(http), id, format, at, cancel);
        return text is null
            ? RequestJson.NotFound("dataset")
            : Results.File(
                Encoding.UTF8.GetBytes(text),
                format == DatasetFiles.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
                $"{id}.{format}");
    }

    private static bool TryVersion(string? text, out int? version)
    {
        version = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, out var value) && value >= 1)
        {
            version = value;
            return true;
        }

        return false;
    }

    private static IResult Answer(DatasetChange change, bool deleted = false)
    {
        if (change.NotFound)
        {
            return RequestJson.NotFound(deleted ? "dataset item" : "dataset or item");
        }

        if (change.Errors.Count > 0)
        {
            return RequestJson.Invalid(change.Errors, "The dataset was not changed");
        }

        return deleted ? Results.Ok(new { version = change.Version }) : Results.Ok(change);
    }
}
