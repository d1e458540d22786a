using System.Buffers;
using System.Text;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

public sealed class OtlpProtobufReaderTests
{
    [Fact]
    public void Parse_ValidRequest_DecodesSpans()
    {
        var bytes = Request(SpanWith(A("gen_ai.operation.name", "chat"))).ToByteArray();

        var request = OtlpProtobufReader.Parse(new ReadOnlySequence<byte>(bytes));

        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal("chat", span.Attributes[0].Value.StringValue);
        Assert.Equal(TraceIdHex, Convert.ToHexStringLower(span.TraceId.Span));
    }

    [Fact]
    public void Parse_InvalidUtf8InNestedString_RepairedInsteadOfRejected()
    {
        var bytes = Request(SpanWith(A("gen_ai.prompt", "caf#!"), A("k", Kv(A("inner", "x#y"))))).ToByteArray();
        Replace(bytes, "#"u8[0], 0xC3);
        Replace(bytes, "!"u8[0], 0xFF);

        var direct = () => ExportTraceServiceRequest.Parser.ParseFrom(bytes);
        var request = OtlpProtobufReader.Parse(bytes);

        // Google.Protobuf itself refuses the whole message; the reader must not.
        Assert.Throws<InvalidProtocolBufferException>(direct);
        var attributes = request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes;
        Assert.Equal("caf\uFFFD\uFFFD", attributes[0].Value.StringValue);
        Assert.Equal("x\uFFFDy", attributes[1].Value.KvlistValue.Values[0].Value.StringValue);
        var traceId = request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId;
        Assert.Equal(TraceIdHex, Convert.ToHexStringLower(traceId.Span));
    }

    [Fact]
    public void Parse_Garbage_ThrowsOtlpFormatException()
    {
        var bytes = Encoding.ASCII.GetBytes("this is not protobuf at all");

        var error = Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.Parse(bytes));

        Assert.StartsWith("invalid protobuf", error.Message, StringComparison.Ordinal);
    }

    private static void Replace(byte[] bytes, byte from, byte to)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == from)
            {
                bytes[i] = to;
            }
        }
    }
}
