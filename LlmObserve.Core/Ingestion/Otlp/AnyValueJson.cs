using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Converts OTLP attribute values to natural JSON: kvlist → object, array → array, bytes → base64 string,
/// non-finite doubles → their name as a string (JSON has no NaN).
/// </summary>
internal static class AnyValueJson
{
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = StoreJson.Options.Encoder };

    // Attribute values nest (kvlist in array in kvlist …) deeper than System.Text.Json's default of 64 levels.
    private static readonly JsonDocumentOptions _documentOptions = new() { MaxDepth = 256 };

    private const int InitialBufferBytes = 16 * 1024;
    private const int MaxRetainedBufferBytes = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>Writes a value; strings pass through <paramref name="limit"/> when given.</summary>
    /// <param name="writer">Target.</param>
    /// <param name="value">The value; an empty value is written as null.</param>
    /// <param name="limit">Caps strings and records what it cut; null writes strings whole.</param>
    /// <param name="path">Where the value sits, for the truncation note.</param>
    public static void Write(Utf8JsonWriter writer, AnyValue? value, TextLimiter? limit, string path)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                var text = value!.StringValue;
                writer.WriteStringValue(limit is null ? text : limit.Attribute(text, path));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value!.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value!.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                WriteDouble(writer, value!.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteStringValue(Convert.ToBase64String(value!.BytesValue.Span));
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                var values = value!.ArrayValue.Values;
                for (var i = 0; i < values.Count; i++)
                {
                    Write(writer, values[i], limit, limit is null ? path : $"{path}[{i}]");
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                WriteObject(writer, value!.KvlistValue.Values, limit, path);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Writes key/value pairs as one object; a repeated key keeps its last value.</summary>
    public static void WriteObject(
        Utf8JsonWriter writer,
        RepeatedField<KeyValue> attributes,
        TextLimiter? limit,
        string path)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in Deduplicate(attributes))
        {
            writer.WritePropertyName(key);
            Write(writer, value, limit, limit is null ? path : $"{path}.{key}");
        }

        writer.WriteEndObject();
    }

    /// <summary>Attributes as one JSON object text, strings capped by the limiter.</summary>
    /// <remarks>
    /// Every span's attributes go through here; growing a fresh buffer for each was almost half of the bytes OTLP
    /// ingestion allocated, so each thread keeps its buffer (up to <see cref="MaxRetainedBufferBytes"/>).
    /// </remarks>
    public static string ObjectText(RepeatedField<KeyValue> attributes, TextLimiter limit, string path)
    {
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(InitialBufferBytes);
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, _writerOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            WriteObject(writer, attributes, limit, path);
            writer.Flush();
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > MaxRetainedBufferBytes)
            {
                _threadBuffer = null;
                _threadWriter = null;
            }
        }
    }

    /// <summary>A value as a standalone JSON element.</summary>
    public static JsonElement ToElement(AnyValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            Write(writer, value, null, string.Empty);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, _documentOptions);
        return document.RootElement.Clone();
    }

    /// <summary>Parses JSON text, or null when it is not JSON. Broken surrogate escapes are repaired first.</summary>
    public static JsonElement? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(JsonText.RepairSurrogateEscapes(text), _documentOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The text form of a scalar, or the JSON of a structured value.</summary>
    public static string? ToText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => ToElement(value).GetRawText(),
        _ => null,
    };

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<(string Key, AnyValue Value)> Deduplicate(RepeatedField<KeyValue> attributes)
    {
        // The spec forbids repeated keys; when a client sends them anyway the last one wins, as in an SDK's map.
        var seen = new Dictionary<string, int>(attributes.Count, StringComparer.Ordinal);
        for (var i = 0; i < attributes.Count; i++)
        {
            seen[attributes[i].Key] = i;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (seen[attributes[i].Key] == i)
            {
                yield return (attributes[i].Key, attributes[i].Value);
            }
        }
    }
}
