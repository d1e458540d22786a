using System.Globalization;
using LlmObserve.Core;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Native;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Ingestion;

/// <summary>
/// Answer of <c>POST /api/ingest</c>. Spans, scores and feedback count what this request stored; the "already stored"
/// counts what a retry re-sent (same span ids, or the same client ids) and was kept once.
/// </summary>
internal sealed record NativeIngestResponse(
    int Traces,
    int Spans,
    int SpansAlreadyStored,
    int Scores,
    int ScoresAlreadyStored,
    int Feedback,
    int FeedbackAlreadyStored,
    IReadOnlyList<string> TraceIds,
    IReadOnlyList<IngestionError> Errors);

internal static class NativeIngestEndpoints
{
    public static WebApplication MapNativeIngestion(this WebApplication app)
    {
        app.MapPost("/api/ingest", IngestAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.Ingest)
            .DisableAntiforgery()
            .WithOwnBodyLimit("LlmObserve:Ingestion:MaxRequestBytes");

        return app;
    }

    private static async Task<IResult> IngestAsync(
        HttpContext http,
        NativeBatchReader reader,
        ISpanWriter writer,
        LlmObserveOptions options,
        CancellationToken cancellationToken)
    {
        if (!IngestionHttp.IsJson(http.Request.ContentType))
        {
            return IngestionHttp.Problem(
                StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{http.Request.ContentType}' is not supported here; send application/json.");
        }

        var (body, failure) = await RequestBodyReader.ReadAsync(http.Request, options.Ingestion, cancellationToken);
        if (failure is not null)
        {
            return IngestionHttp.Problem(failure.StatusCode, failure.Message);
        }

        NativeReadResult read;
        try
        {
            read = reader.Read(body.Memory, http.GetApiKeyIdentity().ProjectId);
        }
        catch (NativeFormatException ex)
        {
            return IngestionHttp.Problem(StatusCodes.Status400BadRequest, ex.Message);
        }
        finally
        {
            body.Dispose();
        }

        var batch = read.Batch;
        if (batch.ItemCount == 0)
        {
            return Results.Json(
                new NativeIngestResponse(0, 0, 0, 0, 0, 0, 0, [], read.Errors),
                statusCode: StatusCodes.Status400BadRequest);
        }

        IngestResult result;
        try
        {
            result = await writer.WriteAsync(batch, cancellationToken);
        }
        catch (IngestionSaturatedException ex)
        {
            return IngestionHttp.Saturated(http, ex);
        }

        var response = new NativeIngestResponse(
            read.TraceIds.Count,
            result.SpansWritten,
            result.SpansAlreadyStored,
            batch.Scores.Count - result.ScoresAlreadyStored,
            result.ScoresAlreadyStored,
            batch.Feedback.Count - result.FeedbackAlreadyStored,
            result.FeedbackAlreadyStored,
            read.TraceIds,
            read.Errors);
        return Results.Json(
            response,
            statusCode: read.Errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status207MultiStatus);
    }
}

/// <summary>Answers shared by the ingestion endpoints.</summary>
internal static class IngestionHttp
{
    public static bool IsJson(string? contentType)
        => contentType is not null
            && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    public static bool IsProtobuf(string? contentType)
        => contentType is not null
            && contentType.Split(';')[0].Trim().Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase);

    public static IResult Problem(int statusCode, string detail)
        => Results.Problem(detail: detail, statusCode: statusCode);

    public static IResult Saturated(HttpContext http, IngestionSaturatedException ex)
    {
        http.Response.Headers.RetryAfter = ex.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
    }
}
