using System.Buffers;
using System.Text;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Tests.Ingestion.Otlp;

public sealed class OtlpJsonReaderTests
{
    private static ExportTraceServiceRequest Parse(string json) => OtlpJsonReader.Parse(Encoding.UTF8.GetBytes(json));

    private static string OneSpan(string spanFields)
        => $$"""
            {"resourceSpans":[{"resource":{"attributes":[]},
              "scopeSpans":[{"scope":{"name":"s"},"spans":[{{{spanFields}}}]}]}]}
            """;

    private static Span FirstSpan(ExportTraceServiceRequest request) => request.ResourceSpans[0].ScopeSpans[0].Spans[0];

    [Fact]
    public void Parse_HexIdsAndStringInt64_DecodesBytesAndTimes()
    {
        var json = OneSpan("""
            "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","parentSpanId":"",
            "name":"chat gpt-4o","startTimeUnixNano":"1764000000000000001","endTimeUnixNano":1764000001500000000
            """);

        var span = FirstSpan(Parse(json));

        Assert.Equal("5b8efff798038103d269b633813fc60c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("eee19b7ec3c1b174", Convert.ToHexStringLower(span.SpanId.Span));
        Assert.True(span.ParentSpanId.IsEmpty);
        Assert.Equal(1_764_000_000_000_000_001UL, span.StartTimeUnixNano);
        Assert.Equal(1_764_000_001_500_000_000UL, span.EndTimeUnixNano);
        Assert.Equal("chat gpt-4o", span.Name);
    }

    [Fact]
    public void Parse_EnumNamesAndNumbers_BothAccepted()
    {
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"name":"a","kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR","message":"boom"}},
              {"name":"b","kind":1,"status":{"code":1}},
              {"name":"c","kind":"SPAN_KIND_SOMETHING_NEW"}
            ]}]}]}
            """;

        var spans = Parse(json).ResourceSpans[0].ScopeSpans[0].Spans;

        Assert.Equal(Span.Types.SpanKind.Client, spans[0].Kind);
        Assert.Equal(Status.Types.StatusCode.Error, spans[0].Status.Code);
        Assert.Equal("boom", spans[0].Status.Message);
        Assert.Equal(Span.Types.SpanKind.Internal, spans[1].Kind);
        Assert.Equal(Status.Types.StatusCode.Ok, spans[1].Status.Code);
        Assert.Equal(Span.Types.SpanKind.Unspecified, spans[2].Kind);
    }

    [Fact]
    public void Parse_AttributeValueShapes_AllDecoded()
    {
        var json = OneSpan("""
            "attributes":[
              {"key":"s","value":{"stringValue":"text"}},
              {"key":"i","value":{"intValue":"9007199254740993"}},
              {"key":"n","value":{"intValue":42}},
              {"key":"nan","value":{"doubleValue":"NaN"}},
              {"key":"inf","value":{"doubleValue":"-Infinity"}},
              {"key":"d","value":{"doubleValue":0.25}},
              {"key":"b","value":{"boolValue":true}},
              {"key":"bytes","value":{"bytesValue":"AQID"}},
              {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"1"}]}}},
              {"key":"kv","value":{"kvlistValue":{"values":[{"key":"role","value":{"stringValue":"user"}}]}}},
              {"key":"empty","value":{}}
            ]
            """);

        var attributes = FirstSpan(Parse(json)).Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("text", attributes["s"].StringValue);
        Assert.Equal(9_007_199_254_740_993L, attributes["i"].IntValue);
        Assert.Equal(42L, attributes["n"].IntValue);
        Assert.True(double.IsNaN(attributes["nan"].DoubleValue));
        Assert.Equal(double.NegativeInfinity, attributes["inf"].DoubleValue);
        Assert.Equal(0.25, attributes["d"].DoubleValue);
        Assert.True(attributes["b"].BoolValue);
        Assert.Equal(new byte[] { 1, 2, 3 }, attributes["bytes"].BytesValue.ToByteArray());
        Assert.Equal("x", attributes["arr"].ArrayValue.Values[0].StringValue);
        Assert.Equal(1L, attributes["arr"].ArrayValue.Values[1].IntValue);
        Assert.Equal("user", attributes["kv"].KvlistValue.Values[0].Value.StringValue);
        Assert.Equal(AnyValue.ValueOneofCase.None, attributes["empty"].ValueCase);
    }

    [Fact]
    public void Parse_SnakeCaseNamesAndUnknownFields_AcceptedAndIgnored()
    {
        var json = """
            {"resource_spans":[{"scope_spans":[{"spans":[{
              "trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",
              "start_time_unix_nano":"5","futureField":{"nested":[1,2,{"x":null}]},"name":"snake",
              "attributes":[{"key":"k","value":{"string_value":"v"}}]
            }]}]}],"somethingElse":true}
            """;

        var span = FirstSpan(Parse(json));

        Assert.Equal("snake", span.Name);
        Assert.Equal(5UL, span.StartTimeUnixNano);
        Assert.Equal("eee19b7ec3c1b174", Convert.ToHexStringLower(span.SpanId.Span));
        Assert.Equal("v", span.Attributes[0].Value.StringValue);
    }

    [Fact]
    public void Parse_InvalidUtf8InString_RepairedWithReplacementCharacter()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"ok""");
        var suffix = Encoding.UTF8.GetBytes("""end"}]}]}]}""");
        byte[] body = [.. prefix, 0xFF, 0xC3, .. suffix];

        var span = FirstSpan(OtlpJsonReader.Parse(body));

        Assert.Equal("ok\uFFFD\uFFFDend", span.Name);
    }

    [Fact]
    public void Parse_LoneSurrogateEscapes_RepairedAndValidPairsKept()
    {
        var json = OneSpan("""
            "name":"a\ud800b","attributes":[{"key":"x\udc00","value":{"stringValue":"\ud83d\ude00 \ud83d"}}]
            """);

        var span = FirstSpan(Parse(json));

        Assert.Equal("a\uFFFDb", span.Name);
        Assert.Equal("x\uFFFD", span.Attributes[0].Key);
        Assert.Equal("😀 \uFFFD", span.Attributes[0].Value.StringValue);
    }

    [Fact]
    public void Parse_MalformedJson_ErrorNamesTheLocation()
    {
        var json = """{"resourceSpans":[{"scopeSpans":[{},{"spans":[{"name":"a"},{"name": ]}]}]}""";

        var error = Assert.Throws<OtlpFormatException>(() => Parse(json));

        Assert.StartsWith("resourceSpans[0].scopeSpans[1].spans[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FieldOfWrongType_ErrorNamesTheField()
    {
        var json = OneSpan("""  "name":"a","startTimeUnixNano":"soon"  """);

        var error = Assert.Throws<OtlpFormatException>(() => Parse(json));

        Assert.Equal("resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano", error.Location);
        Assert.Contains("64-bit integer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"resourceSpans\":[]} trailing")]
    public void Parse_NotAnOtlpDocument_Throws(string json)
    {
        var parse = () => Parse(json);

        Assert.Throws<OtlpFormatException>(parse);
    }

    [Fact]
    public void Parse_NonHexTraceId_OnlyThatSpanIsRejectedByTheMapper()
    {
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"good"},
              {"traceId":"not-a-hex-trace-id-at-all!","spanId":"eee19b7ec3c1b175","name":"bad"}
            ]}]}]}
            """;
        var request = Parse(json);

        var result = OtlpTestData.Mapper().Map(request, "project-1");

        var kept = Assert.Single(result.Spans);
        Assert.Equal("good", kept.Name);
        Assert.Equal(1, result.RejectedSpans);
        var error = Assert.Single(result.Errors);
        Assert.Equal(
            "resourceSpans[0].scopeSpans[0].spans[1] ('bad'): traceId not hex ('not-a-hex-trace-id-at-all!')",
            error);
    }

    [Fact]
    public void Parse_ByteOrderMarkAndSegmentedBuffer_ParsedLikeOneBuffer()
    {
        var bytes = Encoding.UTF8.GetBytes("\uFEFF" + OneSpan("\"name\":\"segmented\""));
        var first = new Segment(bytes.AsMemory(0, 10));
        var last = first.Append(bytes.AsMemory(10));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        var span = FirstSpan(OtlpJsonReader.Parse(sequence));

        Assert.Equal("segmented", span.Name);
    }

    [Fact]
    public void Parse_ThenMap_JsonExportOfAGenAiSpan_EndToEnd()
    {
        var json = """
            {"resourceSpans":[{
              "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web-chat"}}]},
              "scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.openai_v2","version":"2.1b0"},"spans":[{
                "traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
                "parentSpanId":"00f067aa0ba902b7","name":"chat gpt-4o","kind":3,
                "startTimeUnixNano":"1764000000000000000","endTimeUnixNano":"1764000002000000000",
                "attributes":[
                  {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                  {"key":"gen_ai.system","value":{"stringValue":"openai"}},
                  {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"24"}},
                  {"key":"gen_ai.usage.output_tokens","value":{"intValue":"9"}},
                  {"key":"gen_ai.request.temperature","value":{"doubleValue":0.7}}
                ],
                "events":[
                  {"timeUnixNano":"1764000000100000000","name":"gen_ai.user.message",
                   "attributes":[{"key":"content","value":{"stringValue":"Tell me a joke"}}]},
                  {"timeUnixNano":"1764000001900000000","name":"gen_ai.choice",
                   "attributes":[{"key":"index","value":{"intValue":"0"}},
                     {"key":"finish_reason","value":{"stringValue":"stop"}},
                     {"key":"message","value":{"kvlistValue":{"values":[
                       {"key":"role","value":{"stringValue":"assistant"}},
                       {"key":"content","value":{"stringValue":"Why did the span cross the road?"}}]}}}]}
                ],
                "status":{"code":"STATUS_CODE_OK"}
              }]}]
            }]}
            """;

        var result = OtlpTestData.Mapper().Map(Parse(json), "project-1");

        var span = Assert.Single(result.Spans);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "00f067aa0ba902b7"),
            (span.TraceId, span.SpanId, span.ParentSpanId));
        Assert.Equal(("generation", "client", "ok"), (span.Type, span.Kind, span.Status));
        Assert.Equal(("gpt-4o", "openai", "web-chat"), (span.Model, span.Provider, span.ServiceName));
        Assert.Equal(("Tell me a joke", "Why did the span cross the road?"), (span.InputText, span.OutputText));
        Assert.Equal((24L, 9L, 33L), (span.InputTokens, span.OutputTokens, span.TotalTokens));
        Assert.Equal(2_000_000_000L, span.EndTimeUnixNano - span.StartTimeUnixNano);
        Assert.Equal("""{"temperature":0.7}""", span.ParametersJson);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
