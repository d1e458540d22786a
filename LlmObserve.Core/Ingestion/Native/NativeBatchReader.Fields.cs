using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Native;

/// <summary>Typed, validating reads of single fields, each failure naming its JSON path.</summary>
public sealed partial class NativeBatchReader
{
    private static string OptionalStatus(JsonElement element, string path)
    {
        var status = OptionalString(element, "status", path)?.ToLowerInvariant();
        return status switch
        {
            null => SpanStatus.Unset,
            SpanStatus.Ok or SpanStatus.Error or SpanStatus.Unset => status,
            _ => throw new NativeItemException($"{path}.status", $"'{status}' is not one of ok, error, unset."),
        };
    }

    private static string? OptionalString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? SafeString(value)
            : throw new NativeItemException($"{path}.{name}", "must be a string.");
    }

    /// <summary>The item's own <c>id</c>, which makes a re-sent score or feedback entry count once.</summary>
    private static string? OptionalClientId(JsonElement element, string path)
    {
        var id = OptionalString(element, "id", path);
        return ClientIds.Check(id) is { } fault ? throw new NativeItemException($"{path}.id", fault) : id;
    }

    private static string? OptionalHexId(JsonElement element, string name, int length, string path)
    {
        var id = OptionalString(element, name, path);
        if (id is null)
        {
            return null;
        }

        id = id.ToLowerInvariant();
        if (id.Length != length || !id.All(char.IsAsciiHexDigit) || id.All(c => c == '0'))
        {
            throw new NativeItemException(
                $"{path}.{name}",
                $"must be {length} hexadecimal characters, not all zero (was '{Shorten(id)}').");
        }

        return id;
    }

    private static long? OptionalTime(JsonElement element, string name, string path)
    {
        var text = OptionalString(element, name, path);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new NativeItemException($"{path}.{name}", $"'{Shorten(text)}' is not an ISO-8601 time.");
        }

        // Times are stored as signed 64-bit nanoseconds since 1970, which end in April 2262.
        if (time < DateTimeOffset.UnixEpoch || time >= _latestTime)
        {
            throw new NativeItemException(
                $"{path}.{name}",
                $"'{Shorten(text)}' is outside the storable range 1970-01-01 to 2262-04-11.");
        }

        return UnixNanos.FromDateTimeOffset(time);
    }

    private static string? OptionalTags(JsonElement element, string path)
    {
        if (!element.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tags.ValueKind != JsonValueKind.Array
            || tags.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw new NativeItemException($"{path}.tags", "must be an array of strings.");
        }

        var list = tags.EnumerateArray().Select(SafeString).Where(t => t.Length > 0).Distinct().Order().ToList();
        return list.Count == 0 ? null : StoreJson.Serialize(list);
    }

    private static string? OptionalObjectJson(
        JsonElement element,
        string name,
        string path,
        SpanEntity span,
        ReadContext context)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new NativeItemException($"{path}.{name}", "must be a JSON object.");
        }

        var notes = StoreJson.Deserialize<List<TruncationNote>>(span.TruncationsJson) ?? [];
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = StoreJson.Options.Encoder }))
        {
            WriteLimited(writer, value, name, context.Options.MaxAttributeChars, notes);
        }

        if (notes.Count > 0)
        {
            span.TruncationsJson = StoreJson.Serialize(notes);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Copies JSON, cutting each string value longer than the attribute limit with a visible marker.</summary>
    private static void WriteLimited(
        Utf8JsonWriter writer,
        JsonElement value,
        string field,
        int maxChars,
        List<TruncationNote> notes)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteLimited(writer, property.Value, $"{field}.{property.Name}", maxChars, notes);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    WriteLimited(writer, item, $"{field}[{index++}]", maxChars, notes);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(LimitNoted(SafeString(value), field, maxChars, notes));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static double FiniteNumber(JsonElement value, string path, bool allowNegative)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new NativeItemException(path, "must be a finite number.");
        }

        return !allowNegative && number < 0 ? throw new NativeItemException(path, "must not be negative.") : number;
    }

    /// <summary>Reads a string even when it holds invalid UTF-8 or an unpaired surrogate escape (as U+FFFD).</summary>
    private static string SafeString(JsonElement value) => JsonText.GetString(value) ?? string.Empty;

    private static string? Limit(string? text, int maxChars) => LimitNoted(text, "field", maxChars, null);

    private static string? LimitNoted(string? text, string field, int maxChars, List<TruncationNote>? notes)
    {
        if (text is null || text.Length <= maxChars)
        {
            return text;
        }

        var cut = maxChars;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        notes?.Add(new TruncationNote(field, text.Length));
        return string.Concat(text.AsSpan(0, cut), $"…[truncated, {text.Length} chars]");
    }
}
