using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Web.Demo;

/// <summary>Small builders for the OTLP messages the demo sends.</summary>
internal static class DemoOtlp
{
    public static ExportTraceServiceRequest Request(IEnumerable<DemoTrace> traces)
    {
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(traces.Select(t => t.ResourceSpans));
        return request;
    }

    public static KeyValue Attribute(string key, string value)
        => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value)
        => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static KeyValue Attribute(string key, double value)
        => new() { Key = key, Value = new AnyValue { DoubleValue = value } };

    public static KeyValue Attribute(string key, IEnumerable<string> values)
    {
        var array = new ArrayValue();
        array.Values.AddRange(values.Select(v => new AnyValue { StringValue = v }));
        return new KeyValue { Key = key, Value = new AnyValue { ArrayValue = array } };
    }

    public static ByteString Id(Random random, int bytes)
    {
        var id = new byte[bytes];

        // An all-zero id is invalid in OTLP; a seeded generator could produce one only by chance.
        while (id.All(b => b == 0))
        {
            random.NextBytes(id);
        }

        return ByteString.CopyFrom(id);
    }

    public static ulong Nanos(DateTimeOffset time)
        => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick;
}
