using Google.Protobuf;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>Builds OTLP protobuf messages tersely so tests read like the attribute tables they come from.</summary>
internal static class OtlpTestData
{
    public const string TraceIdHex = "5b8efff798038103d269b633813fc60c";

    public const string SpanIdHex = "eee19b7ec3c1b174";

    public const ulong StartNanos = 1_764_000_000_000_000_000;

    public const ulong EndNanos = StartNanos + 1_500_000_000;

    public static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    public static AnyValue Str(string value) => new() { StringValue = value };

    public static AnyValue Int(long value) => new() { IntValue = value };

    public static AnyValue Dbl(double value) => new() { DoubleValue = value };

    public static AnyValue Bool(bool value) => new() { BoolValue = value };

    public static AnyValue Arr(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.Add(values);
        return new AnyValue { ArrayValue = array };
    }

    public static AnyValue Kv(params KeyValue[] values)
    {
        var list = new KeyValueList();
        list.Values.Add(values);
        return new AnyValue { KvlistValue = list };
    }

    public static KeyValue A(string key, AnyValue value) => new() { Key = key, Value = value };

    public static KeyValue A(string key, string value) => A(key, Str(value));

    public static KeyValue A(string key, long value) => A(key, Int(value));

    public static KeyValue A(string key, double value) => A(key, Dbl(value));

    public static KeyValue A(string key, bool value) => A(key, Bool(value));

    public static Span.Types.Event Event(string name, params KeyValue[] attributes)
    {
        var e = new Span.Types.Event { Name = name, TimeUnixNano = StartNanos + 1000 };
        e.Attributes.Add(attributes);
        return e;
    }

    public static Span SpanWith(params KeyValue[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(TraceIdHex)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(SpanIdHex)),
            Name = "test span",
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = StartNanos,
            EndTimeUnixNano = EndNanos,
        };
        span.Attributes.Add(attributes);
        return span;
    }

    public static ExportTraceServiceRequest Request(IEnumerable<KeyValue> resourceAttributes, params Span[] spans)
    {
        var resource = new Resource();
        resource.Attributes.Add(resourceAttributes);
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test.scope", Version = "1.0" } };
        scope.Spans.Add(spans);
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    public static ExportTraceServiceRequest Request(params Span[] spans)
        => Request([A("service.name", "checkout")], spans);

    public static OtlpSpanMapper Mapper(IngestionOptions? options = null)
        => new(options ?? new IngestionOptions(), new FixedTimeProvider(Now));

    public static SpanEntity MapOne(Span span, IngestionOptions? options = null)
    {
        var result = Mapper(options).Map(Request(span), "project-1");
        Assert.Equal(0, result.RejectedSpans);
        Assert.Empty(result.Errors);
        return Assert.Single(result.Spans);
    }

    public static List<ChatMessage> Messages(string? json) => StoreJson.Deserialize<List<ChatMessage>>(json)!;

    public static long NowNanos => (Now.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100;
}

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
