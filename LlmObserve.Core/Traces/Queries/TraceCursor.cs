using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Position in the newest-first trace list: the start time and id of the last trace a page returned.
/// Callers see it only as an opaque string.
/// </summary>
public readonly record struct TraceCursor(long StartTimeUnixNano, string TraceId)
{
    public string Encode()
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            StartTimeUnixNano.ToString(CultureInfo.InvariantCulture) + ":" + TraceId));

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string? text, out TraceCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 128)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(bytes);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !TraceIds.IsTraceId(decoded.AsSpan(colon + 1)))
        {
            return false;
        }

        cursor = new TraceCursor(start, decoded[(colon + 1)..]);
        return true;
    }
}

/// <summary>Shapes of the ids the store keeps: lower-case hex, 32 characters for traces, 16 for spans.</summary>
public static class TraceIds
{
    public static bool IsTraceId(ReadOnlySpan<char> text) => text.Length == 32 && IsLowerHex(text);

    /// <summary>Accepts upper- or lower-case hex and returns the stored (lower-case) form, or null.</summary>
    public static string? NormalizeTraceId(string? text)
    {
        if (text is null || text.Length != 32)
        {
            return null;
        }

        var lower = text.ToLowerInvariant();
        return IsLowerHex(lower) ? lower : null;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
