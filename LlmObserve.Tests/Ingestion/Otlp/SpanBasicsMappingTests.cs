using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>What every span gets regardless of convention: ids, times, status, raw data, limits.</summary>
public sealed class SpanBasicsMappingTests
{
    [Fact]
    public void Map_ValidSpan_IdsLowerHexAndContextFields()
    {
        var span = SpanWith(A("k", "v"));
        span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("00F067AA0BA902B7"));

        var entity = MapOne(span);

        Assert.Equal(("project-1", TraceIdHex, SpanIdHex, "00f067aa0ba902b7"), (entity.ProjectId, entity.TraceId,
            entity.SpanId, entity.ParentSpanId));
        Assert.Equal(("test span", "checkout", "test.scope"), (entity.Name, entity.ServiceName, entity.ScopeName));
        Assert.Equal(((long)StartNanos, (long)EndNanos), (entity.StartTimeUnixNano, entity.EndTimeUnixNano));
        Assert.Equal(NowNanos, entity.IngestedAtUnixNano);
        Assert.Equal(SpanStatus.Unset, entity.Status);
        Assert.Null(entity.TruncationsJson);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", "eee19b7ec3c1b174", "", "traceId must not be all zeros")]
    [InlineData("", "eee19b7ec3c1b174", "", "traceId missing")]
    [InlineData("5b8efff798038103d269b633813fc6", "eee19b7ec3c1b174", "", "traceId must be 16 bytes, got 15")]
    [InlineData(TraceIdHex, "0000000000000000", "", "spanId must not be all zeros")]
    [InlineData(TraceIdHex, "eee19b7ec3c1b1", "", "spanId must be 8 bytes, got 7")]
    [InlineData(TraceIdHex, "eee19b7ec3c1b174", "0102", "parentSpanId must be 8 bytes, got 2")]
    public void Map_UnusableIds_SpanRejectedWithReason(string traceId, string spanId, string parentId, string reason)
    {
        var bad = SpanWith();
        bad.Name = "bad one";
        bad.TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId));
        bad.SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId));
        bad.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parentId));
        var good = SpanWith();

        var result = Mapper().Map(Request(good, bad), "p");

        Assert.Single(result.Spans);
        Assert.Equal(1, result.RejectedSpans);
        Assert.Equal($"resourceSpans[0].scopeSpans[0].spans[1] ('bad one'): {reason}", Assert.Single(result.Errors));
    }

    [Fact]
    public void Map_AllZeroParentId_TreatedAsRoot()
    {
        var span = SpanWith();
        span.ParentSpanId = ByteString.CopyFrom(new byte[8]);

        var entity = MapOne(span);

        Assert.Null(entity.ParentSpanId);
    }

    [Fact]
    public void Map_ManyRejectedSpans_ErrorsCappedWithCount()
    {
        var spans = Enumerable.Range(0, 25).Select(_ => new Span { Name = "no ids" }).ToArray();

        var result = Mapper().Map(Request(spans), "p");

        Assert.Equal(25, result.RejectedSpans);
        Assert.Equal(21, result.Errors.Count);
        Assert.Equal("… and 5 more", result.Errors[^1]);
        Assert.StartsWith("resourceSpans[0].scopeSpans[0].spans[0] ('no ids'): traceId missing", result.ErrorMessage,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StartNanos, 0UL, StartNanos, StartNanos)]
    [InlineData(StartNanos, StartNanos - 5, StartNanos, StartNanos)]
    [InlineData(0UL, EndNanos, EndNanos, EndNanos)]
    public void Map_MissingOrEarlyEnd_DurationNeverNegative(
        ulong start,
        ulong end,
        ulong expectedStart,
        ulong expectedEnd)
    {
        var span = SpanWith();
        span.StartTimeUnixNano = start;
        span.EndTimeUnixNano = end;

        var entity = MapOne(span);

        Assert.Equal(((long)expectedStart, (long)expectedEnd), (entity.StartTimeUnixNano, entity.EndTimeUnixNano));
    }

    [Fact]
    public void Map_NoTimesAtAll_UsesIngestionTime()
    {
        var span = SpanWith();
        span.StartTimeUnixNano = 0;
        span.EndTimeUnixNano = 0;

        var entity = MapOne(span);

        Assert.Equal((NowNanos, NowNanos), (entity.StartTimeUnixNano, entity.EndTimeUnixNano));
    }

    [Fact]
    public void Map_RawAttributes_ConvertedToNaturalJson()
    {
        var span = SpanWith(
            A("s", "text"),
            A("i", 42L),
            A("d", double.NaN),
            A("b", true),
            A("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }),
            A("list", Arr(Str("a"), Int(1))),
            A("map", Kv(A("inner", Kv(A("x", 1.5))))));
        span.Status = new Status { Code = Status.Types.StatusCode.Ok };

        var entity = MapOne(span);

        Assert.Equal(
            """{"s":"text","i":42,"d":"NaN","b":true,"bytes":"AQID","list":["a",1],"map":{"inner":{"x":1.5}}}""",
            entity.AttributesJson);
        Assert.Equal(SpanStatus.Ok, entity.Status);
        Assert.Equal("""{"service.name":"checkout"}""", entity.ResourceAttributesJson);
    }

    [Fact]
    public void Map_EventsAndLinks_KeptInStoreShape()
    {
        var span = SpanWith();
        span.Events.Add(Event("cache.miss", A("key", "user:1")));
        var link = new Span.Types.Link
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString("0AF7651916CD43DD8448EB211C80319C")),
            SpanId = ByteString.CopyFrom(Convert.FromHexString("B7AD6B7169203331")),
        };
        link.Attributes.Add(A("link.reason", "retry"));
        span.Links.Add(link);

        var entity = MapOne(span);

        var e = Assert.Single(StoreJson.Deserialize<List<SpanEventRecord>>(entity.EventsJson)!);
        Assert.Equal(("cache.miss", (long)StartNanos + 1000), (e.Name, e.TimeUnixNano));
        Assert.Equal("user:1", e.Attributes!.Value.GetProperty("key").GetString());
        var l = Assert.Single(StoreJson.Deserialize<List<SpanLinkRecord>>(entity.LinksJson)!);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"), (l.TraceId, l.SpanId));
        Assert.Equal("retry", l.Attributes!.Value.GetProperty("link.reason").GetString());
    }

    [Fact]
    public void Map_OversizedFields_CutWithMarkerAndNoted()
    {
        var options = new IngestionOptions { MaxFieldChars = 100, MaxAttributeChars = 50 };
        var longInput = new string('a', 99) + "😀" + new string('b', 200);
        var longMessage = new string('m', 150);
        var span = SpanWith(
            A("input.value", longInput),
            A("llm.input_messages.0.message.role", "user"),
            A("llm.input_messages.0.message.content", longMessage));

        var entity = MapOne(span, options);

        // The cut falls inside the emoji's surrogate pair, so the pair is dropped whole.
        Assert.Equal(new string('a', 99) + "…[truncated, 301 chars]", entity.InputText);
        var message = Assert.Single(Messages(entity.InputMessagesJson));
        Assert.Equal(new string('m', 100) + "…[truncated, 150 chars]", message.Content);
        var attributes = JsonDocument.Parse(entity.AttributesJson!).RootElement;
        var rawInput = attributes.GetProperty("input.value").GetString();
        Assert.Equal(new string('a', 50) + "…[truncated, 301 chars]", rawInput);
        var notes = StoreJson.Deserialize<List<TruncationNote>>(entity.TruncationsJson)!;
        Assert.Contains(new TruncationNote("InputText", 301), notes);
        Assert.Contains(new TruncationNote("InputMessagesJson[0].content", 150), notes);
        Assert.Contains(new TruncationNote("AttributesJson.input.value", 301), notes);
        Assert.Contains(new TruncationNote("AttributesJson.llm.input_messages.0.message.content", 150), notes);
        Assert.Equal(4, notes.Count);
    }

    [Fact]
    public void Map_NestedAndRepeatedAttributes_CutAtTheirPathsAndLastValueKept()
    {
        var options = new IngestionOptions { MaxAttributeChars = 10 };
        var span = SpanWith(
            A("tags", Arr(Str("short"), Str(new string('t', 20)))),
            A("doc", Kv(A("body", new string('b', 30)), A("body", "kept"))),
            A("k", "first"),
            A("k", "last"));
        span.Events.Add(Event("note", A("text", new string('e', 12))));

        var entity = MapOne(span, options);

        var attributes = JsonDocument.Parse(entity.AttributesJson!).RootElement;
        Assert.Equal(new string('t', 10) + "…[truncated, 20 chars]", attributes.GetProperty("tags")[1].GetString());
        Assert.Equal("short", attributes.GetProperty("tags")[0].GetString());
        Assert.Equal("""{"body":"kept"}""", attributes.GetProperty("doc").GetRawText());
        Assert.Equal("last", attributes.GetProperty("k").GetString());
        Assert.Equal(3, attributes.EnumerateObject().Count());
        var notes = StoreJson.Deserialize<List<TruncationNote>>(entity.TruncationsJson)!;
        Assert.Equal(
            [new TruncationNote("AttributesJson.tags[1]", 20), new TruncationNote("EventsJson[0].attributes.text", 12)],
            notes);
    }

    [Fact]
    public void Map_EmptyName_FallsBackToToolName()
    {
        var span = SpanWith(A("gen_ai.tool.name", "lookup"));
        span.Name = string.Empty;

        var entity = MapOne(span);

        Assert.Equal("lookup", entity.Name);
    }

    [Fact]
    public void Map_GenAiExceptionEventOnly_DoesNotMarkError()
    {
        var span = SpanWith(A("gen_ai.operation.name", "chat"));
        span.Events.Add(Event("gen_ai.client.operation.exception", A("exception.type", "TimeoutError")));

        var entity = MapOne(span);

        Assert.Equal(SpanStatus.Unset, entity.Status);
        Assert.Null(entity.ErrorType);
    }
}
