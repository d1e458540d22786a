using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// A deliberately thin <c>POST /v1/traces</c> for <c>--stand-in-endpoint</c>, so the HTTP rows can run before the
/// product's endpoint exists: bearer check, protobuf decode, a minimal mapping of the attributes this workload
/// sends, then the real writer. It maps far less than the product will, so its figures are an upper bound for
/// the HTTP path, and it is never used unless asked for.
/// </summary>
internal sealed class StandInOtlpEndpoint(string secretKey) : IStartupFilter
{
    private static readonly byte[] EmptyResponse = new ExportTraceServiceResponse().ToByteArray();

    public static void Register(WebApplicationBuilder builder, string secretKey)
        => builder.Services.AddSingleton<IStartupFilter>(new StandInOtlpEndpoint(secretKey));

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path == "/v1/traces" && HttpMethods.IsPost(context.Request.Method))
            {
                await HandleAsync(context);
                return;
            }

            await nextMiddleware(context);
        });
        next(app);
    };

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + secretKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var length = (int)(context.Request.ContentLength ?? 0);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        ExportTraceServiceRequest request;
        try
        {
            await context.Request.Body.ReadExactlyAsync(buffer.AsMemory(0, length), context.RequestAborted);
            request = ExportTraceServiceRequest.Parser.ParseFrom(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var writer = context.RequestServices.GetRequiredService<ISpanWriter>();

        try
        {
            await writer.WriteAsync(IngestBatch.OfSpans("bench", Map(request)), context.RequestAborted);
        }
        catch (IngestionSaturatedException saturated)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = saturated.RetryAfterSeconds.ToString(
                System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(EmptyResponse, context.RequestAborted);
    }

    private static List<SpanEntity> Map(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanEntity>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resourceJson = ToJson(resourceSpans.Resource.Attributes);
            var service = Find(resourceSpans.Resource.Attributes, "service.name")?.StringValue;
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    spans.Add(Map(span, resourceJson, service, scopeSpans.Scope?.Name));
                }
            }
        }

        return spans;
    }

    private static SpanEntity Map(Span span, string resourceJson, string? service, string? scope)
    {
        var attributes = span.Attributes;
        var operation = Find(attributes, "gen_ai.operation.name")?.StringValue;
        var kind = Find(attributes, "openinference.span.kind")?.StringValue;
        var type = (operation, kind) switch
        {
            ("chat", _) => SpanType.Generation,
            ("execute_tool", _) => SpanType.Tool,
            (_, "RETRIEVER") => SpanType.Retrieval,
            (_, "CHAIN") => SpanType.Chain,
            _ => SpanType.Span,
        };
        var start = (long)span.StartTimeUnixNano;

        return new SpanEntity
        {
            ProjectId = "bench",
            TraceId = Convert.ToHexStringLower(span.TraceId.Span),
            SpanId = Convert.ToHexStringLower(span.SpanId.Span),
            ParentSpanId = span.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(span.ParentSpanId.Span),
            Name = span.Name,
            Type = type,
            Kind = span.Kind.ToString().ToLowerInvariant(),
            StartTimeUnixNano = start,
            EndTimeUnixNano = Math.Max(start, (long)span.EndTimeUnixNano),
            Status = span.Status?.Code switch
            {
                Status.Types.StatusCode.Ok => SpanStatus.Ok,
                Status.Types.StatusCode.Error => SpanStatus.Error,
                _ => SpanStatus.Unset,
            },
            Model = Find(attributes, "gen_ai.response.model")?.StringValue,
            Provider = Find(attributes, "gen_ai.provider.name")?.StringValue,
            InputText = Find(attributes, "input.value")?.StringValue
                ?? Find(attributes, "gen_ai.tool.call.arguments")?.StringValue,
            OutputText = Find(attributes, "output.value")?.StringValue
                ?? Find(attributes, "gen_ai.tool.call.result")?.StringValue,
            InputMessagesJson = Find(attributes, "gen_ai.input.messages")?.StringValue,
            OutputMessagesJson = Find(attributes, "gen_ai.output.messages")?.StringValue,
            InputTokens = Find(attributes, "gen_ai.usage.input_tokens")?.IntValue,
            OutputTokens = Find(attributes, "gen_ai.usage.output_tokens")?.IntValue,
            SessionId = Find(attributes, "session.id")?.StringValue,
            UserId = Find(attributes, "user.id")?.StringValue,
            ServiceName = service,
            ScopeName = scope,
            AttributesJson = ToJson(attributes),
            ResourceAttributesJson = resourceJson,
        };
    }

    private static AnyValue? Find(IEnumerable<KeyValue> attributes, string key)
        => attributes.FirstOrDefault(a => a.Key == key)?.Value;

    private static string ToJson(IEnumerable<KeyValue> attributes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var attribute in attributes)
            {
                switch (attribute.Value?.ValueCase)
                {
                    case AnyValue.ValueOneofCase.IntValue:
                        json.WriteNumber(attribute.Key, attribute.Value.IntValue);
                        break;
                    case AnyValue.ValueOneofCase.DoubleValue:
                        json.WriteNumber(attribute.Key, attribute.Value.DoubleValue);
                        break;
                    case AnyValue.ValueOneofCase.BoolValue:
                        json.WriteBoolean(attribute.Key, attribute.Value.BoolValue);
                        break;
                    default:
                        json.WriteString(attribute.Key, attribute.Value?.StringValue);
                        break;
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
