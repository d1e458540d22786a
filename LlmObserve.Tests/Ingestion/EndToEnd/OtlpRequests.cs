using System.Security.Cryptography;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>Builds OTLP export requests by hand, for the cases no SDK would send.</summary>
internal static class OtlpRequests
{
    public static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewSpanId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static Span Span(string traceId, string spanId, string name, string? parentId = null, ulong? endNano = null)
    {
        var start = (ulong)(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() * 1_000_000);
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            Name = name,
            StartTimeUnixNano = start,
            EndTimeUnixNano = endNano ?? start + 250_000_000,
        };
        if (parentId is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parentId));
        }

        return span;
    }

    public static Span WithAttribute(this Span span, string key, string value)
    {
        span.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        return span;
    }

    public static ExportTraceServiceRequest Request(params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "hand-made" } };
        scope.Spans.AddRange(spans);
        var resource = new ResourceSpans();
        resource.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resource);
        return request;
    }
}
