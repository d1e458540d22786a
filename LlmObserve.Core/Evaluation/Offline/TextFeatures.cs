using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// The words of a text reduced to comparable terms, so that an answer's words can be looked up in its context
/// whatever their spelling: accents folded ("Único" = "Unico"), case ignored, possessives and plural or verb
/// endings stripped ("stores" = "store", "founded" = "found"), number words read as digits ("nine" = "9") and
/// digit groups joined ("1,200" = "1200", while "6" stays apart from "6.213").
/// </summary>
internal static partial class TextFeatures
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as",
        "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "he",
        "she", "they", "his", "her", "their", "them", "him", "we", "you", "i", "my", "our", "your", "not", "no",
        "yes", "do", "does", "did", "has", "have", "had", "which", "who", "whom", "whose", "what", "when",
        "where", "why", "how", "also", "both", "than", "then", "there", "so", "such", "can", "will", "would",
        "could", "should", "may", "might", "into", "about", "after", "before", "over", "under", "between",
        "while", "only", "more", "most", "other", "some", "any", "all", "one", "first", "known", "however",
    };

    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["zero"] = "0", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6",
        ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12",
        ["thirteen"] = "13", ["fourteen"] = "14", ["fifteen"] = "15", ["sixteen"] = "16", ["seventeen"] = "17",
        ["eighteen"] = "18", ["nineteen"] = "19", ["twenty"] = "20", ["thirty"] = "30", ["forty"] = "40",
        ["fifty"] = "50", ["hundred"] = "100", ["thousand"] = "1000", ["million"] = "1000000",
    };

    private static readonly HashSet<string> CommonCapitalised = new(StringComparer.Ordinal)
    {
        "Yes", "No", "Sure", "Based", "According", "In", "On", "At", "However", "Therefore", "Because", "There",
        "Although", "Both", "Neither", "Either", "Answer",
    };

    /// <summary>Every term of the text, stop words included, for membership tests.</summary>
    public static HashSet<string> TermSet(string text) =>
        Tokens(text).Select(token => token.Term).ToHashSet(StringComparer.Ordinal);

    /// <summary>The content words of the text (stop words and single letters left out), in order.</summary>
    public static IReadOnlyList<Term> ContentTerms(string text) =>
        Tokens(text).Where(token => !StopWords.Contains(token.Lower)).Select(token => token.ToTerm()).ToArray();

    private static IEnumerable<Token> Tokens(string text)
    {
        foreach (Match match in Word().Matches(Fold(text)))
        {
            var surface = match.Value;
            if (char.IsDigit(surface[0]))
            {
                yield return new Token(surface, surface.Replace(",", string.Empty, StringComparison.Ordinal), true);
                continue;
            }

            if (surface.Length < 2)
            {
                continue;
            }

            var lower = surface.ToLowerInvariant();
            var name = char.IsUpper(surface[0]) && !CommonCapitalised.Contains(surface);
            yield return NumberWords.TryGetValue(lower, out var digits)
                ? new Token(lower, digits, true)
                : new Token(lower, Stem(lower), name);
        }
    }

    /// <summary>
    /// A light suffix stripper: enough to meet the same word in another form, not a linguistic stem. It never
    /// cuts a word below four letters, so short names stay whole.
    /// </summary>
    private static string Stem(string word)
    {
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            word = word[..^3] + "y";
        }
        else if (word.Length > 3 && word[^1] == 's' && !word.EndsWith("ss", StringComparison.Ordinal)
            && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            word = word[..^1];
        }

        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            word = word[..^3];
        }
        else if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            word = word[..^2];
        }

        if (word.Length > 4 && word.EndsWith("ly", StringComparison.Ordinal))
        {
            word = word[..^2];
        }

        return word.Length > 4 && word[^1] == 'e' ? word[..^1] : word;
    }

    /// <summary>Accents and other combining marks dropped, so a name typed without them still matches.</summary>
    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var character in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(character) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(character);
            }
        }

        return folded.ToString();
    }

    private readonly record struct Token(string Lower, string Term, bool IsNameOrNumber)
    {
        public Term ToTerm() => new(Term, IsNameOrNumber);
    }

    // A number keeps its digit groups and decimals together ("1,200", "6.213"); a word is a run of letters,
    // so "Mike's" gives "Mike" and a lone "s" that is dropped.
    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?(?<!,)|\p{L}+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}

/// <summary>One content word in comparable form, and whether it was a number or a capitalised name.</summary>
internal readonly record struct Term(string Value, bool IsNameOrNumber);
