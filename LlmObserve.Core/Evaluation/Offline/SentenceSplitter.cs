using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>Splits prose into sentences, good enough to check each claim of an answer on its own.</summary>
public static partial class SentenceSplitter
{
    /// <summary>Sentences of at least one letter or digit, trimmed, in order.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            // Passages glued without a space ("...19th century.First for Women") are split too.
            foreach (var part in Boundary().Split(line))
            {
                var sentence = part.Trim();
                if (sentence.Any(char.IsLetterOrDigit))
                {
                    sentences.Add(sentence);
                }
            }
        }

        return sentences;
    }

    // A sentence ends at . ! ? (or their CJK forms) followed by a capital, a digit or a quote; the look-behind
    // keeps initials and common abbreviations ("J. Smith", "e.g.", "Dr.") inside their sentence.
    [GeneratedRegex(
        @"(?<=[.!?。！？])(?<!\b\p{Lu}\.)(?<!\b(?:e\.g|i\.e|Mr|Mrs|Ms|Dr|St|vs|etc|Inc|No)\.)" +
        @"(?:\s+|(?<=\p{Ll}{2}[.!?])(?=\p{Lu}\p{Ll}))(?=[\p{Lu}\d""'(])|(?<=[。！？])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Boundary();
}
