using System.Text;
using System.Text.Unicode;

namespace LlmObserve.Core.Ingestion;

/// <summary>Replaces invalid UTF-8 with U+FFFD so one bad byte never costs a whole request.</summary>
public static class Utf8Repair
{
    public static ReadOnlyMemory<byte> Repair(ReadOnlyMemory<byte> utf8)
        => Utf8.IsValid(utf8.Span) ? utf8 : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8.Span));

    /// <summary>Replaces unpaired surrogates, which JSON escapes such as <c>\ud800</c> can produce.</summary>
    public static string RepairSurrogates(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !IsPairAt(text, i))
            {
                return RepairFrom(text, i);
            }

            if (char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }

        return text;
    }

    private static bool IsPairAt(string text, int i)
        => char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

    private static string RepairFrom(string text, int start)
    {
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, start);
        for (var i = start; i < text.Length; i++)
        {
            if (IsPairAt(text, i))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else
            {
                builder.Append(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
            }
        }

        return builder.ToString();
    }
}
