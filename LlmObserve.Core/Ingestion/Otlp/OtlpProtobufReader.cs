using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Decodes an OTLP/HTTP protobuf trace export (<c>application/x-protobuf</c>).
/// </summary>
/// <remarks>
/// Google.Protobuf rejects a whole message when one string field holds invalid UTF-8. Some SDKs do send that
/// (truncated multi-byte characters, binary pasted into attributes), so on a failed parse the wire bytes are
/// rewritten with every string field repaired (invalid sequences become U+FFFD) and parsed again.
/// </remarks>
public static class OtlpProtobufReader
{
    /// <summary>Parses a complete protobuf body.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not an <see cref="ExportTraceServiceRequest"/>.</exception>
    public static ExportTraceServiceRequest Parse(ReadOnlySequence<byte> body)
        => body.IsSingleSegment ? Parse(body.FirstSpan) : Parse(body.ToArray());

    /// <summary>Parses a complete protobuf body.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not an <see cref="ExportTraceServiceRequest"/>.</exception>
    public static ExportTraceServiceRequest Parse(byte[] body) => Parse(body.AsSpan());

    /// <summary>Parses a complete protobuf body.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not an <see cref="ExportTraceServiceRequest"/>.</exception>
    public static ExportTraceServiceRequest Parse(ReadOnlySpan<byte> body)
    {
        InvalidProtocolBufferException firstError;
        try
        {
            return ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            firstError = ex;
        }

        byte[] repaired;
        try
        {
            var output = new ArrayBufferWriter<byte>(body.Length + 16);
            Utf8Repair.Rewrite(body, ExportTraceServiceRequest.Descriptor, output, depth: 0);
            repaired = output.WrittenSpan.ToArray();
        }
        catch (OtlpFormatException)
        {
            throw new OtlpFormatException($"invalid protobuf ({firstError.Message})", firstError);
        }

        try
        {
            return ExportTraceServiceRequest.Parser.ParseFrom(repaired);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new OtlpFormatException($"invalid protobuf ({firstError.Message})", firstError);
        }
    }

    /// <summary>A schema-guided copy of protobuf wire bytes that repairs the UTF-8 of string fields.</summary>
    private static class Utf8Repair
    {
        private const int MaxDepth = 100;

        private const int WireVarint = 0;
        private const int WireFixed64 = 1;
        private const int WireLengthDelimited = 2;
        private const int WireFixed32 = 5;

        public static void Rewrite(
            ReadOnlySpan<byte> input,
            MessageDescriptor message,
            IBufferWriter<byte> output,
            int depth)
        {
            if (depth > MaxDepth)
            {
                throw new OtlpFormatException("message nested too deeply");
            }

            var position = 0;
            while (position < input.Length)
            {
                var tagStart = position;
                var tag = ReadVarint(input, ref position);
                var fieldNumber = (int)(tag >> 3);
                var wireType = (int)(tag & 7);
                switch (wireType)
                {
                    case WireVarint:
                        ReadVarint(input, ref position);
                        output.Write(input[tagStart..position]);
                        break;
                    case WireFixed64:
                        Skip(input, ref position, 8);
                        output.Write(input[tagStart..position]);
                        break;
                    case WireFixed32:
                        Skip(input, ref position, 4);
                        output.Write(input[tagStart..position]);
                        break;
                    case WireLengthDelimited:
                        var length = ReadVarint(input, ref position);
                        if (length > (ulong)(input.Length - position))
                        {
                            throw new OtlpFormatException("length runs past the end of the message");
                        }

                        var header = input[tagStart..position];
                        var payload = input.Slice(position, (int)length);
                        position += (int)length;
                        var field = message.FindFieldByNumber(fieldNumber);
                        WriteLengthDelimited(header, payload, field, output, depth);
                        break;
                    default:
                        throw new OtlpFormatException($"unsupported wire type {wireType}");
                }
            }
        }

        private static void WriteLengthDelimited(
            ReadOnlySpan<byte> header,
            ReadOnlySpan<byte> payload,
            FieldDescriptor? field,
            IBufferWriter<byte> output,
            int depth)
        {
            byte[]? replacement = null;
            if (field?.FieldType == FieldType.String && !Utf8.IsValid(payload))
            {
                replacement = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload));
            }
            else if (field?.FieldType == FieldType.Message)
            {
                var nested = new ArrayBufferWriter<byte>(payload.Length + 8);
                Rewrite(payload, field.MessageType, nested, depth + 1);
                replacement = nested.WrittenSpan.ToArray();
            }

            if (replacement is null)
            {
                output.Write(header);
                output.Write(payload);
                return;
            }

            // The header is tag then length; only the length changes.
            var tagLength = 0;
            ReadVarint(header, ref tagLength);
            output.Write(header[..tagLength]);
            WriteVarint(output, (ulong)replacement.Length);
            output.Write(replacement);
        }

        private static ulong ReadVarint(ReadOnlySpan<byte> input, ref int position)
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= input.Length)
                {
                    throw new OtlpFormatException("truncated varint");
                }

                var b = input[position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new OtlpFormatException("malformed varint");
        }

        private static void WriteVarint(IBufferWriter<byte> output, ulong value)
        {
            Span<byte> buffer = stackalloc byte[10];
            var length = 0;
            while (value >= 0x80)
            {
                buffer[length++] = (byte)(value | 0x80);
                value >>= 7;
            }

            buffer[length++] = (byte)value;
            output.Write(buffer[..length]);
        }

        private static void Skip(ReadOnlySpan<byte> input, ref int position, int count)
        {
            if (input.Length - position < count)
            {
                throw new OtlpFormatException("truncated fixed-width field");
            }

            position += count;
        }
    }
}
