using System.Globalization;
using Google.Protobuf;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Ingestion;

/// <summary>
/// OTLP/HTTP trace export. The answer uses the request's encoding: an <c>ExportTraceServiceResponse</c> on success
/// (with <c>partial_success</c> when spans were rejected) and a <c>google.rpc.Status</c> on failure.
/// </summary>
internal static class OtlpEndpoints
{
    private const string ProtobufContentType = "application/x-protobuf";
    private const string JsonContentType = "application/json";

    private const string IngestionLimit = "LlmObserve:Ingestion:MaxRequestBytes";

    public static WebApplication MapOtlpIngestion(this WebApplication app)
    {
        // The standard path, and the one Langfuse's OpenTelemetry-based SDKs export to.
        app.MapPost("/v1/traces", ExportAsync)
            .RequireApiKey()
            .RequireKeyScope(ApiKeyScope.Ingest)
            .DisableAntiforgery()
            .WithOwnBodyLimit(IngestionLimit);
        app.MapPost("/api/public/otel/v1/traces", ExportAsync)
            .RequireApiKey()
            .RequireKeyScope(ApiKeyScope.Ingest)
            .DisableAntiforgery()
            .WithOwnBodyLimit(IngestionLimit);

        // An SDK given OTEL_EXPORTER_OTLP_ENDPOINT also exports metrics and logs there; say why they are refused.
        foreach (var path in (string[])["/v1/metrics", "/v1/logs", "/api/public/otel/v1/metrics",
                     "/api/public/otel/v1/logs"])
        {
            app.MapPost(path, RefuseSignalAsync)
                .AllowAnonymous()
                .DisableAntiforgery()
                .WithOwnBodyLimit(IngestionLimit);
        }

        return app;
    }

    private static Task RefuseSignalAsync(HttpContext http)
    {
        var signal = http.Request.Path.Value!.EndsWith("/logs", StringComparison.Ordinal) ? "logs" : "metrics";
        return WriteStatusAsync(
            http,
            json: !IngestionHttp.IsProtobuf(http.Request.ContentType),
            StatusCodes.Status404NotFound,
            $"LlmObserve accepts OTLP traces only (POST /v1/traces), not {signal}. Turn the SDK's {signal} "
            + $"export off with OTEL_{(signal == "logs" ? "LOGS" : "METRICS")}_EXPORTER=none.");
    }

    private static async Task ExportAsync(
        HttpContext http,
        OtlpSpanMapper mapper,
        ISpanWriter writer,
        LlmObserveOptions options,
        ILogger<OtlpSpanMapper> logger,
        CancellationToken cancellationToken)
    {
        var contentType = http.Request.ContentType;
        var isProtobuf = IngestionHttp.IsProtobuf(contentType);
        if (!isProtobuf && !IngestionHttp.IsJson(contentType))
        {
            await WriteStatusAsync(
                http,
                json: true,
                StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{contentType}' is not supported; send application/x-protobuf or application/json.");
            return;
        }

        var (body, failure) = await RequestBodyReader.ReadAsync(http.Request, options.Ingestion, cancellationToken);
        if (failure is not null)
        {
            await WriteStatusAsync(http, !isProtobuf, failure.StatusCode, failure.Message);
            return;
        }

        ExportTraceServiceRequest request;
        try
        {
            var bytes = body.Memory.Span;
            request = isProtobuf ? OtlpProtobufReader.Parse(bytes) : OtlpJsonReader.Parse(bytes);
        }
        catch (OtlpFormatException ex)
        {
            await WriteStatusAsync(http, !isProtobuf, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }
        finally
        {
            // Decoding copied everything it keeps; the buffer goes back to the pool before the write is awaited.
            body.Dispose();
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var mapped = mapper.Map(request, projectId);
        if (mapped.Spans.Count > 0)
        {
            try
            {
                await writer.WriteAsync(IngestBatch.OfSpans(projectId, mapped.Spans), cancellationToken);
            }
            catch (IngestionSaturatedException ex)
            {
                http.Response.Headers.RetryAfter = ex.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteStatusAsync(http, !isProtobuf, StatusCodes.Status503ServiceUnavailable, ex.Message);
                return;
            }
        }

        if (mapped.RejectedSpans > 0)
        {
            IngestionLog.Partial(logger, http.Request.Path, projectId, mapped.Spans.Count, mapped.RejectedSpans);
        }

        var response = new ExportTraceServiceResponse();
        // Warnings about kept spans (dropped implausible values) travel with rejected_spans = 0, as OTLP allows.
        if (mapped.RejectedSpans > 0 || mapped.ErrorMessage is not null)
        {
            response.PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = mapped.RejectedSpans,
                ErrorMessage = mapped.ErrorMessage ?? string.Empty,
            };
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        await WriteMessageAsync(http, !isProtobuf, response, cancellationToken);
    }

    private static Task WriteStatusAsync(HttpContext http, bool json, int statusCode, string message)
    {
        if (statusCode != StatusCodes.Status503ServiceUnavailable)
        {
            var logger = http.RequestServices.GetRequiredService<ILogger<OtlpSpanMapper>>();
            var projectId = http.Items[typeof(ApiKeyIdentity)] is ApiKeyIdentity identity ? identity.ProjectId : null;
            IngestionLog.Refused(logger, http.Request.Path, projectId, statusCode, ReasonKind(statusCode));
        }

        http.Response.StatusCode = statusCode;
        var status = new RpcStatus { Code = GrpcCodeFor(statusCode), Message = message };
        return WriteMessageAsync(http, json, status, http.RequestAborted);
    }

    private static async Task WriteMessageAsync(HttpContext http, bool json, IMessage message, CancellationToken cancel)
    {
        if (json)
        {
            http.Response.ContentType = JsonContentType;
            await http.Response.WriteAsync(JsonFormatter.Default.Format(message), cancel);
        }
        else
        {
            http.Response.ContentType = ProtobufContentType;
            await http.Response.Body.WriteAsync(message.ToByteArray(), cancel);
        }
    }

    // The kind of refusal only: the message itself may quote client data, which stays out of the log.
    private static string ReasonKind(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "malformed body",
        StatusCodes.Status404NotFound => "signal other than traces",
        StatusCodes.Status408RequestTimeout => "body too slow",
        StatusCodes.Status413PayloadTooLarge => "body too large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported content type or encoding",
        _ => "refused",
    };

    // google.rpc.Code values for the HTTP statuses this endpoint answers with.
    private static int GrpcCodeFor(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => 3,
        StatusCodes.Status401Unauthorized => 16,
        StatusCodes.Status404NotFound => 12,
        StatusCodes.Status408RequestTimeout => 4,
        StatusCodes.Status413PayloadTooLarge => 8,
        StatusCodes.Status415UnsupportedMediaType => 3,
        StatusCodes.Status503ServiceUnavailable => 14,
        _ => 2,
    };
}
