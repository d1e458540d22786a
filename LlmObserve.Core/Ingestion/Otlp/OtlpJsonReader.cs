using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Decodes an OTLP/HTTP JSON trace export (<c>application/json</c>) into the protobuf request type, following the
/// OTLP JSON rules rather than the generic protobuf JSON mapping: ids are hex (not base64), 64-bit integers may be
/// numbers or decimal strings, enums may be numbers or names, doubles may be <c>"NaN"</c> or <c>"Infinity"</c>.
/// Field names are accepted in lowerCamelCase and snake_case; unknown fields are ignored.
/// </summary>
/// <remarks>
/// Text is repaired, never fatal: invalid UTF-8 and unpaired surrogate escapes become U+FFFD. An id that is not
/// hex cannot be held by the proto <c>bytes</c> field as such; it is carried as a marked value that
/// <see cref="OtlpSpanMapper"/> rejects with a message, so only that span is lost.
/// </remarks>
public static class OtlpJsonReader
{
    // Each level of a nested attribute value costs three JSON levels ({"arrayValue":{"values":[ ...).
    private const int MaxDepth = 192;

    /// <summary>Parses a complete UTF-8 JSON body.</summary>
    /// <exception cref="OtlpFormatException">The body is not JSON or does not have the OTLP shape.</exception>
    public static ExportTraceServiceRequest Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
        return new Parser().ReadRequest(ref reader);
    }

    /// <summary>Parses a complete UTF-8 JSON body held in one or more buffers.</summary>
    /// <exception cref="OtlpFormatException">The body is not JSON or does not have the OTLP shape.</exception>
    public static ExportTraceServiceRequest Parse(ReadOnlySequence<byte> utf8Json)
        => utf8Json.IsSingleSegment ? Parse(utf8Json.FirstSpan) : Parse(utf8Json.ToArray());

    /// <summary>Recursive descent over the token stream, keeping the path for error messages.</summary>
    private sealed class Parser
    {
        private const int MaxNameChars = 64;

        private readonly List<(string? Name, int Index)> _path = [];

        public ExportTraceServiceRequest ReadRequest(ref Utf8JsonReader reader)
        {
            try
            {
                if (!reader.Read())
                {
                    throw Fail("the body is empty");
                }

                var request = new ExportTraceServiceRequest();
                Span<char> name = stackalloc char[MaxNameChars];
                ExpectObject(ref reader);
                while (NextProperty(ref reader, name, out var length))
                {
                    if (name[..length] is "resourcespans")
                    {
                        Enter("resourceSpans");
                        ReadList(ref reader, request.ResourceSpans, ReadResourceSpans);
                        Leave();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                // Trailing content after the root object is a syntax error; reading once more surfaces it.
                reader.Read();
                return request;
            }
            catch (JsonException ex)
            {
                throw new OtlpFormatException(PathText(), $"malformed JSON ({ex.Message})", ex);
            }
        }

        private delegate T ElementReader<out T>(ref Utf8JsonReader reader);

        private ResourceSpans ReadResourceSpans(ref Utf8JsonReader reader)
        {
            var result = new ResourceSpans();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "resource":
                        Enter("resource");
                        result.Resource = ReadResource(ref reader);
                        Leave();
                        break;
                    case "scopespans":
                    case "instrumentationlibraryspans":
                        Enter("scopeSpans");
                        ReadList(ref reader, result.ScopeSpans, ReadScopeSpans);
                        Leave();
                        break;
                    case "schemaurl":
                        result.SchemaUrl = ReadString(ref reader, "schemaUrl");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private Resource ReadResource(ref Utf8JsonReader reader)
        {
            var result = new Resource();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "attributes":
                        Enter("attributes");
                        ReadList(ref reader, result.Attributes, ReadKeyValue);
                        Leave();
                        break;
                    case "droppedattributescount":
                        result.DroppedAttributesCount = ReadUInt32(ref reader, "droppedAttributesCount");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private ScopeSpans ReadScopeSpans(ref Utf8JsonReader reader)
        {
            var result = new ScopeSpans();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "scope":
                    case "instrumentationlibrary":
                        Enter("scope");
                        result.Scope = ReadScope(ref reader);
                        Leave();
                        break;
                    case "spans":
                        Enter("spans");
                        ReadList(ref reader, result.Spans, ReadSpan);
                        Leave();
                        break;
                    case "schemaurl":
                        result.SchemaUrl = ReadString(ref reader, "schemaUrl");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private InstrumentationScope ReadScope(ref Utf8JsonReader reader)
        {
            var result = new InstrumentationScope();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "name":
                        result.Name = ReadString(ref reader, "name");
                        break;
                    case "version":
                        result.Version = ReadString(ref reader, "version");
                        break;
                    case "attributes":
                        Enter("attributes");
                        ReadList(ref reader, result.Attributes, ReadKeyValue);
                        Leave();
                        break;
                    case "droppedattributescount":
                        result.DroppedAttributesCount = ReadUInt32(ref reader, "droppedAttributesCount");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private Span ReadSpan(ref Utf8JsonReader reader)
        {
            var result = new Span();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "traceid":
                        result.TraceId = OtlpIds.FromHex(ReadString(ref reader, "traceId"));
                        break;
                    case "spanid":
                        result.SpanId = OtlpIds.FromHex(ReadString(ref reader, "spanId"));
                        break;
                    case "parentspanid":
                        result.ParentSpanId = OtlpIds.FromHex(ReadString(ref reader, "parentSpanId"));
                        break;
                    case "tracestate":
                        result.TraceState = ReadString(ref reader, "traceState");
                        break;
                    case "flags":
                        result.Flags = ReadUInt32(ref reader, "flags");
                        break;
                    case "name":
                        result.Name = ReadString(ref reader, "name");
                        break;
                    case "kind":
                        result.Kind = (Span.Types.SpanKind)ReadEnum(ref reader, "kind", SpanKindByName);
                        break;
                    case "starttimeunixnano":
                        result.StartTimeUnixNano = ReadUInt64(ref reader, "startTimeUnixNano");
                        break;
                    case "endtimeunixnano":
                        result.EndTimeUnixNano = ReadUInt64(ref reader, "endTimeUnixNano");
                        break;
                    case "attributes":
                        Enter("attributes");
                        ReadList(ref reader, result.Attributes, ReadKeyValue);
                        Leave();
                        break;
                    case "droppedattributescount":
                        result.DroppedAttributesCount = ReadUInt32(ref reader, "droppedAttributesCount");
                        break;
                    case "events":
                        Enter("events");
                        ReadList(ref reader, result.Events, ReadEvent);
                        Leave();
                        break;
                    case "droppedeventscount":
                        result.DroppedEventsCount = ReadUInt32(ref reader, "droppedEventsCount");
                        break;
                    case "links":
                        Enter("links");
                        ReadList(ref reader, result.Links, ReadLink);
                        Leave();
                        break;
                    case "droppedlinkscount":
                        result.DroppedLinksCount = ReadUInt32(ref reader, "droppedLinksCount");
                        break;
                    case "status":
                        Enter("status");
                        result.Status = ReadStatus(ref reader);
                        Leave();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private Span.Types.Event ReadEvent(ref Utf8JsonReader reader)
        {
            var result = new Span.Types.Event();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "timeunixnano":
                        result.TimeUnixNano = ReadUInt64(ref reader, "timeUnixNano");
                        break;
                    case "name":
                        result.Name = ReadString(ref reader, "name");
                        break;
                    case "attributes":
                        Enter("attributes");
                        ReadList(ref reader, result.Attributes, ReadKeyValue);
                        Leave();
                        break;
                    case "droppedattributescount":
                        result.DroppedAttributesCount = ReadUInt32(ref reader, "droppedAttributesCount");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private Span.Types.Link ReadLink(ref Utf8JsonReader reader)
        {
            var result = new Span.Types.Link();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "traceid":
                        result.TraceId = OtlpIds.FromHex(ReadString(ref reader, "traceId"));
                        break;
                    case "spanid":
                        result.SpanId = OtlpIds.FromHex(ReadString(ref reader, "spanId"));
                        break;
                    case "tracestate":
                        result.TraceState = ReadString(ref reader, "traceState");
                        break;
                    case "attributes":
                        Enter("attributes");
                        ReadList(ref reader, result.Attributes, ReadKeyValue);
                        Leave();
                        break;
                    case "droppedattributescount":
                        result.DroppedAttributesCount = ReadUInt32(ref reader, "droppedAttributesCount");
                        break;
                    case "flags":
                        result.Flags = ReadUInt32(ref reader, "flags");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private Status ReadStatus(ref Utf8JsonReader reader)
        {
            var result = new Status();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "message":
                        result.Message = ReadString(ref reader, "message");
                        break;
                    case "code":
                        result.Code = (Status.Types.StatusCode)ReadEnum(ref reader, "code", StatusCodeByName);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private KeyValue ReadKeyValue(ref Utf8JsonReader reader)
        {
            var result = new KeyValue();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "key":
                        result.Key = ReadString(ref reader, "key");
                        break;
                    case "value":
                        Enter("value");
                        result.Value = ReadAnyValue(ref reader);
                        Leave();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        private AnyValue ReadAnyValue(ref Utf8JsonReader reader)
        {
            var result = new AnyValue();
            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                switch (name[..length])
                {
                    case "stringvalue":
                        result.StringValue = ReadString(ref reader, "stringValue");
                        break;
                    case "boolvalue":
                        result.BoolValue = ReadBool(ref reader, "boolValue");
                        break;
                    case "intvalue":
                        result.IntValue = ReadInt64(ref reader, "intValue");
                        break;
                    case "doublevalue":
                        result.DoubleValue = ReadDouble(ref reader, "doubleValue");
                        break;
                    case "bytesvalue":
                        ReadBytes(ref reader, result);
                        break;
                    case "arrayvalue":
                        Enter("arrayValue");
                        var array = new ArrayValue();
                        ReadValues(ref reader, array.Values, ReadAnyValue);
                        result.ArrayValue = array;
                        Leave();
                        break;
                    case "kvlistvalue":
                        Enter("kvlistValue");
                        var list = new KeyValueList();
                        ReadValues(ref reader, list.Values, ReadKeyValue);
                        result.KvlistValue = list;
                        Leave();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return result;
        }

        /// <summary>Reads <c>{"values": [...]}</c>; a bare array is accepted too.</summary>
        private void ReadValues<T>(ref Utf8JsonReader reader, RepeatedField<T> target, ElementReader<T> read)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                ReadList(ref reader, target, read);
                return;
            }

            Span<char> name = stackalloc char[MaxNameChars];
            ExpectObject(ref reader);
            while (NextProperty(ref reader, name, out var length))
            {
                if (name[..length] is "values")
                {
                    Enter("values");
                    ReadList(ref reader, target, read);
                    Leave();
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        private void ReadBytes(ref Utf8JsonReader reader, AnyValue target)
        {
            var text = ReadString(ref reader, "bytesValue");

            // The protobuf JSON mapping allows standard or URL-safe base64, padded or not. Anything else is
            // kept as text: one odd attribute must not cost the whole request.
            var normalized = text.Replace('-', '+').Replace('_', '/');
            normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
            var buffer = new byte[normalized.Length];
            if (Convert.TryFromBase64String(normalized, buffer, out var written))
            {
                target.BytesValue = ByteString.CopyFrom(buffer, 0, written);
            }
            else
            {
                target.StringValue = text;
            }
        }

        private void ReadList<T>(ref Utf8JsonReader reader, RepeatedField<T> target, ElementReader<T> read)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Fail("expected an array");
            }

            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                _path.Add((null, index++));
                if (reader.TokenType != JsonTokenType.Null)
                {
                    target.Add(read(ref reader));
                }

                Leave();
            }
        }

        private void ExpectObject(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail("expected an object");
            }
        }

        /// <summary>
        /// Moves to the next property of the current object and onto its value, skipping null values (proto3 JSON
        /// treats them as absent). The name is lower-cased without underscores so lowerCamelCase and snake_case meet.
        /// </summary>
        private static bool NextProperty(ref Utf8JsonReader reader, scoped Span<char> name, out int length)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                length = NormalizeName(ref reader, name);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                return true;
            }

            length = 0;
            return false;
        }

        private static int NormalizeName(ref Utf8JsonReader reader, scoped Span<char> name)
        {
            ReadOnlySpan<byte> raw = reader.ValueIsEscaped
                ? Encoding.UTF8.GetBytes(JsonText.Decode(reader.ValueSpan, escaped: true))
                : reader.ValueSpan;
            var length = 0;
            foreach (var b in raw)
            {
                if (b == (byte)'_')
                {
                    continue;
                }

                // A name this long or outside ASCII matches no OTLP field; an empty result makes it unknown.
                if (b > 127 || length == name.Length)
                {
                    return 0;
                }

                name[length++] = char.ToLowerInvariant((char)b);
            }

            return length;
        }

        private string ReadString(ref Utf8JsonReader reader, string field)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw FailAt(field, "expected a string");
            }

            return JsonText.Decode(reader.ValueSpan, reader.ValueIsEscaped);
        }

        private bool ReadBool(ref Utf8JsonReader reader, string field)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                case JsonTokenType.String:
                    var text = ReadString(ref reader, field);
                    if (bool.TryParse(text, out var value))
                    {
                        return value;
                    }

                    break;
            }

            throw FailAt(field, "expected true or false");
        }

        private ulong ReadUInt64(ref Utf8JsonReader reader, string field)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (reader.TryGetUInt64(out var number))
                {
                    return number;
                }

                if (reader.TryGetDouble(out var real) && IsWhole(real) && real is >= 0 and < 18446744073709551615d)
                {
                    return (ulong)real;
                }
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                var text = ReadString(ref reader, field);
                if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    && IsWhole(real) && real is >= 0 and < 18446744073709551615d)
                {
                    return (ulong)real;
                }
            }

            throw FailAt(field, "expected an unsigned 64-bit integer (number or decimal string)");
        }

        private long ReadInt64(ref Utf8JsonReader reader, string field)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (reader.TryGetInt64(out var number))
                {
                    return number;
                }

                if (reader.TryGetDouble(out var real) && IsWhole(real) && real is >= long.MinValue and < long.MaxValue)
                {
                    return (long)real;
                }
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                var text = ReadString(ref reader, field);
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    && IsWhole(real) && real is >= long.MinValue and < long.MaxValue)
                {
                    return (long)real;
                }
            }

            throw FailAt(field, "expected a 64-bit integer (number or decimal string)");
        }

        private uint ReadUInt32(ref Utf8JsonReader reader, string field)
        {
            var value = ReadUInt64(ref reader, field);
            return value <= uint.MaxValue ? (uint)value : throw FailAt(field, "out of range for a 32-bit integer");
        }

        private double ReadDouble(ref Utf8JsonReader reader, string field)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number))
            {
                return number;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                var text = ReadString(ref reader, field);
                switch (text)
                {
                    case "NaN":
                        return double.NaN;
                    case "Infinity":
                        return double.PositiveInfinity;
                    case "-Infinity":
                        return double.NegativeInfinity;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    return number;
                }
            }

            throw FailAt(field, "expected a number, \"NaN\" or \"Infinity\"");
        }

        /// <summary>An enum as a number or by name; an unknown name reads as 0 (unspecified) as in protobuf.</summary>
        private int ReadEnum(ref Utf8JsonReader reader, string field, Func<string, int> byName)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number))
            {
                return number;
            }

            if (reader.TokenType == JsonTokenType.String)
            {
                var text = ReadString(ref reader, field);
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number)
                    ? number
                    : byName(text);
            }

            throw FailAt(field, "expected an enum number or name");
        }

        private static int SpanKindByName(string name) => name.ToUpperInvariant() switch
        {
            "SPAN_KIND_INTERNAL" or "INTERNAL" => 1,
            "SPAN_KIND_SERVER" or "SERVER" => 2,
            "SPAN_KIND_CLIENT" or "CLIENT" => 3,
            "SPAN_KIND_PRODUCER" or "PRODUCER" => 4,
            "SPAN_KIND_CONSUMER" or "CONSUMER" => 5,
            _ => 0,
        };

        private static int StatusCodeByName(string name) => name.ToUpperInvariant() switch
        {
            "STATUS_CODE_OK" or "OK" => 1,
            "STATUS_CODE_ERROR" or "ERROR" => 2,
            _ => 0,
        };

        private static bool IsWhole(double value) => double.IsFinite(value) && Math.Floor(value) == value;

        private void Enter(string name) => _path.Add((name, -1));

        private void Leave() => _path.RemoveAt(_path.Count - 1);

        private OtlpFormatException Fail(string problem) => new(PathText(), problem, null);

        private OtlpFormatException FailAt(string field, string problem)
        {
            Enter(field);
            var exception = Fail(problem);
            Leave();
            return exception;
        }

        private string PathText()
        {
            var text = new StringBuilder();
            foreach (var (name, index) in _path)
            {
                if (name is null)
                {
                    text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    text.Append(text.Length == 0 ? string.Empty : ".").Append(name);
                }
            }

            return text.ToString();
        }
    }
}
