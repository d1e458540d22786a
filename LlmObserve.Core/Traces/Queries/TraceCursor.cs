using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Position in the trace list: the sort it was made for, the sort key of the last trace a page returned (null
/// for a trace without a cost, or without a numeric score when sorting by one) and its id. Callers see it only as an
/// opaque string.
/// </summary>
public sealed record TraceCursor(TraceSort Sort, object? Key, string TraceId)
{
    private const string NullKey = "~";

    public string Encode()
    {
        var key = Key switch
        {
            null => NullKey,
            long whole => whole.ToString(CultureInfo.InvariantCulture),

            // "R" round-trips the double exactly, so the next page resumes at the very same value.
            double real => real.ToString("R", CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException("A cursor key is a whole number, a real number or null."),
        };
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{Sort.KeyName}:{Sort.OrderName}:{key}:{TraceId}"));
    }

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string? text, out TraceCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
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

        var parts = Encoding.UTF8.GetString(bytes).Split(':');
        if (parts.Length != 4
            || !TraceSort.TryParseKey(parts[0], out var sortKey)
            || parts[1] is not ("asc" or "desc")
            || !TraceIds.IsTraceId(parts[3])
            || !TryParseKey(sortKey, parts[2], out var key))
        {
            return false;
        }

        cursor = new TraceCursor(new TraceSort(sortKey, parts[1] == "desc"), key, parts[3]);
        return true;
    }

    private static bool TryParseKey(TraceSortKey sortKey, string text, out object? key)
    {
        key = null;
        switch (sortKey)
        {
            case TraceSortKey.StartTime or TraceSortKey.Tokens:
                var whole = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var w);
                key = w;
                return whole;
            case TraceSortKey.Cost or TraceSortKey.Score when text == NullKey:
                return true;
            default:
                var real = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
                    && double.IsFinite(r);
                key = r;
                return real;
        }
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
