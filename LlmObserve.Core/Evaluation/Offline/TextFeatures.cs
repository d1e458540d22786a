using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>Words, numbers and names pulled out of text to check an answer against its context.</summary>
internal static partial class TextFeatures
{
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "he",
        "she", "they", "his", "her", "their", "them", "him", "we", "you", "i", "my", "our", "your", "not", "no",
        "yes", "do", "does", "did", "has", "have", "had", "which", "who", "whom", "whose", "what", "when",
        "where", "why", "how", "also", "both", "than", "then", "there", "so", "such", "can", "will", "would",
        "could", "should", "may", "might", "into", "about", "after", "before", "over", "under", "between",
        "while", "only", "more", "most", "other", "some", "any", "all", "one", "first", "known", "however",
    };

    /// <summary>Lower-case words of letters or digits, stop words left out.</summary>
    public static IReadOnlyList<string> ContentWords(string text) =>
        Word().Matches(text)
            .Select(match => match.Value.ToLowerInvariant())
            .Where(word => !StopWords.Contains(word))
            .ToArray();

    /// <summary>All lower-case words, for membership tests.</summary>
    public static HashSet<string> WordSet(string text) =>
        Word().Matches(text).Select(match => match.Value.ToLowerInvariant()).ToHashSet();

    /// <summary>Numbers with their separators removed ("1,200" and "1200" are one number).</summary>
    public static IReadOnlyList<string> Numbers(string text) =>
        Number().Matches(text)
            .Select(match => match.Value.Replace(",", string.Empty, StringComparison.Ordinal).TrimEnd('.'))
            .ToArray();

    /// <summary>Capitalised words that are not stop words: likely names of people, places and works.</summary>
    public static IReadOnlyList<string> Names(string text) =>
        Capitalised().Matches(text)
            .Select(match => match.Value)
            .Where(word => !StopWords.Contains(word) && !IsCommonSentenceStart(word))
            .ToArray();

    private static bool IsCommonSentenceStart(string word) => word.Length <= 1 || CommonCapitalised.Contains(word);

    private static readonly HashSet<string> CommonCapitalised = new(StringComparer.Ordinal)
    {
        "Yes", "No", "Sure", "Based", "According", "In", "On", "At", "However", "Therefore", "Because", "There",
        "Although", "Both", "Neither", "Either", "Answer",
    };

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\b\p{Lu}[\p{L}'’-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Capitalised();
}
