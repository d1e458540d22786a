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

    [ThreadStatic]
    private static HashSet<string>? _threadKeys;

    /// <summary>Writes a value; strings pass through <paramref name="limit"/> when given.</summary>
    /// <param name="writer">Target.</param>
    /// <param name="value">The value; an empty value is written as null.</param>
    /// <param name="limit">Caps strings and records what it cut; null writes strings whole.</param>
    /// <param name="path">Where the value sits, for the truncation note.</param>
    public static void Write(Utf8JsonWriter writer, AnyValue? value, TextLimiter? limit, string path)
        => Write(writer, value, limit, new ValuePath(path, null, -1));

    private static void Write(Utf8JsonWriter writer, AnyValue? value, TextLimiter? limit, ValuePath path)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                var text = value!.StringValue;
                writer.WriteStringValue(
                    limit is null || limit.FitsAttribute(text) ? text : limit.Attribute(text, path.ToString()));
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
                var arrayPath = limit is null ? string.Empty : path.ToString();
                for (var i = 0; i < values.Count; i++)
                {
                    Write(writer, values[i], limit, new ValuePath(arrayPath, null, i));
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                WriteObject(writer, value!.KvlistValue.Values, limit, limit is null ? string.Empty : path.ToString());
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
        // The spec forbids repeated keys; when a client sends them anyway the last one wins, as in an SDK's map.
        var lastIndexByKey = HasRepeatedKey(attributes) ? LastIndexByKey(attributes) : null;
        writer.WriteStartObject();
        for (var i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (lastIndexByKey is not null && lastIndexByKey[attribute.Key] != i)
            {
                continue;
            }

            writer.WritePropertyName(attribute.Key);
            Write(writer, attribute.Value, limit, new ValuePath(path, attribute.Key, -1));
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

    /// <summary>Whether a key repeats; the set is reused per thread since nearly every object has none.</summary>
    private static bool HasRepeatedKey(RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count < 2)
        {
            return false;
        }

        var seen = _threadKeys ??= new HashSet<string>(StringComparer.Ordinal);
        seen.Clear();
        try
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                if (!seen.Add(attributes[i].Key))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            seen.Clear();
        }
    }

    private static Dictionary<string, int> LastIndexByKey(RepeatedField<KeyValue> attributes)
    {
        var lastIndex = new Dictionary<string, int>(attributes.Count, StringComparer.Ordinal);
        for (var i = 0; i < attributes.Count; i++)
        {
            lastIndex[attributes[i].Key] = i;
        }

        return lastIndex;
    }

    /// <summary>
    /// Where a value sits, for a truncation note. Spelled out only when a string is cut: building the text for every
    /// attribute of every span cost an allocation each while almost none is ever cut.
    /// </summary>
    private readonly record struct ValuePath(string Parent, string? Key, int Index)
    {
        public override string ToString()
            => Key is not null
                ? string.Concat(Parent, ".", Key)
                : Index >= 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{Parent}[{Index}]")
                    : Parent;
    }
}
