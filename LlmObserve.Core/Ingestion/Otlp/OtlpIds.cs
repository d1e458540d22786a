using System.Text;
using Google.Protobuf;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Trace and span ids: hex decoding for OTLP/JSON, validation, and the marker that carries an id which
/// was not hex from the JSON reader to the mapper, so only that span is rejected instead of the request.
/// </summary>
internal static class OtlpIds
{
    public const int TraceIdBytes = 16;

    public const int SpanIdBytes = 8;

    private const int MaxKeptInvalidChars = 64;

    // A proto bytes field cannot say "this was not hex". The marker is a prefix no real id has, and its
    // length is kept off 8 and 16 so a marked id can never pass the length check by accident.
    private static readonly byte[] _invalidMarker = "\0otlp-invalid-hex\0"u8.ToArray();

    /// <summary>Decodes a hex id; an empty string is an empty id; anything not hex becomes a marked id.</summary>
    public static ByteString FromHex(string text)
    {
        if (text.Length == 0)
        {
            return ByteString.Empty;
        }

        if (text.Length % 2 == 0 && IsHex(text))
        {
            return ByteString.CopyFrom(Convert.FromHexString(text));
        }

        var kept = text.Length > MaxKeptInvalidChars ? text[..MaxKeptInvalidChars] : text;
        var bytes = new List<byte>(_invalidMarker);
        bytes.AddRange(Encoding.UTF8.GetBytes(kept));
        if (bytes.Count is TraceIdBytes or SpanIdBytes)
        {
            bytes.Add(0);
        }

        return ByteString.CopyFrom(bytes.ToArray());
    }

    /// <summary>Lower-case hex of an id; a marked (non-hex) id renders as <c>invalid</c>.</summary>
    public static string ToHex(ByteString id)
        => IsMarked(id) ? "invalid" : Convert.ToHexStringLower(id.Span);

    /// <summary>Why an id is unusable, or null when it is fine.</summary>
    /// <param name="id">The id as decoded.</param>
    /// <param name="length">Required length in bytes.</param>
    /// <param name="optional">
    /// True for a parent id: empty, or all zeros as some SDKs write it, both mean "no parent".
    /// </param>
    public static string? Problem(ByteString id, int length, bool optional)
    {
        if (IsMarked(id))
        {
            var text = Encoding.UTF8.GetString(id.Span[_invalidMarker.Length..]).TrimEnd('\0');
            return $"not hex ('{text}')";
        }

        if (id.Length == 0)
        {
            return optional ? null : "missing";
        }

        if (id.Length != length)
        {
            return $"must be {length} bytes, got {id.Length}";
        }

        return !optional && id.Span.IndexOfAnyExcept((byte)0) < 0 ? "must not be all zeros" : null;
    }

    private static bool IsMarked(ByteString id)
        => id.Length >= _invalidMarker.Length && id.Span.StartsWith(_invalidMarker);

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
