using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace LlmObserve.Core.Ingestion;

/// <summary>
/// Lenient decoding of JSON string values. System.Text.Json refuses (throws on) invalid UTF-8 and
/// unpaired surrogate escapes when a string is materialised; telemetry must survive both, so they
/// become U+FFFD here instead.
/// </summary>
internal static class JsonText
{
    private const char Replacement = '\uFFFD';

    /// <summary>Decodes the raw bytes of a string token (without quotes), repairing what cannot be decoded.</summary>
    public static string Decode(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            // Encoding.UTF8 substitutes U+FFFD for every invalid sequence rather than throwing.
            return Encoding.UTF8.GetString(raw);
        }

        var buffer = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var length = Unescape(raw, buffer);
            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>The string of a JSON element, repaired instead of throwing when it holds a broken escape.</summary>
    public static string? GetString(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            var raw = JsonMarshal.GetRawUtf8Value(element);
            return Decode(raw[1..^1], escaped: true);
        }
    }

    /// <summary>
    /// Replaces unpaired <c>\uD800</c>–<c>\uDFFF</c> escapes in JSON text by <c>\uFFFD</c>, so a document
    /// parsed from it can be read and re-serialised without exceptions.
    /// </summary>
    public static string RepairSurrogateEscapes(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        StringBuilder? repaired = null;
        var copiedUpTo = 0;
        for (var i = 0; i < json.Length - 1; i++)
        {
            if (json[i] != '\\')
            {
                continue;
            }

            if (json[i + 1] != 'u' || !TryHex4(json.AsSpan(i + 2), out var unit))
            {
                i++;
                continue;
            }

            if (char.IsHighSurrogate(unit) && i + 11 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u'
                && TryHex4(json.AsSpan(i + 8), out var low) && char.IsLowSurrogate(low))
            {
                i += 11;
                continue;
            }

            if (char.IsSurrogate(unit))
            {
                repaired ??= new StringBuilder(json.Length);
                repaired.Append(json, copiedUpTo, i - copiedUpTo).Append("\\uFFFD");
                copiedUpTo = i + 6;
            }

            i += 5;
        }

        return repaired is null ? json : repaired.Append(json, copiedUpTo, json.Length - copiedUpTo).ToString();
    }

    private static int Unescape(ReadOnlySpan<byte> raw, Span<char> output)
    {
        var written = 0;
        var runStart = 0;
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                i++;
                continue;
            }

            written += Encoding.UTF8.GetChars(raw[runStart..i], output[written..]);
            var code = raw[i + 1];
            if (code == (byte)'u' && TryHex4(raw[(i + 2)..], out var unit))
            {
                i += 6;
                if (char.IsHighSurrogate(unit) && i + 5 < raw.Length && raw[i] == (byte)'\\'
                    && raw[i + 1] == (byte)'u' && TryHex4(raw[(i + 2)..], out var low) && char.IsLowSurrogate(low))
                {
                    output[written++] = unit;
                    output[written++] = low;
                    i += 6;
                }
                else
                {
                    output[written++] = char.IsSurrogate(unit) ? Replacement : unit;
                }
            }
            else
            {
                output[written++] = code switch
                {
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    (byte)'"' or (byte)'\\' or (byte)'/' => (char)code,
                    _ => Replacement,
                };
                i += 2;
            }

            runStart = i;
        }

        written += Encoding.UTF8.GetChars(raw[runStart..], output[written..]);
        return written;
    }

    private static bool TryHex4(ReadOnlySpan<byte> text, out char unit)
    {
        unit = '\0';
        if (text.Length < 4)
        {
            return false;
        }

        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = (char)text[i];
        }

        return TryHex4(chars, out unit);
    }

    private static bool TryHex4(ReadOnlySpan<char> text, out char unit)
    {
        unit = '\0';
        if (text.Length < 4
            || !ushort.TryParse(text[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }
}
