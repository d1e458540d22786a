using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Snaps free text onto one of a template's labels ("rails"). Rails are tried longest first and each one found
/// is cut out of the text, so "irrelevant" is not also counted as "relevant"; exactly one distinct rail found is
/// a label, none or several is not.
/// </summary>
public static partial class LabelRails
{
    public static string? Snap(string text, IEnumerable<string> rails)
    {
        var remaining = text.ToLowerInvariant();
        var found = new List<string>();
        foreach (var rail in rails.Select(r => r.ToLowerInvariant()).Distinct().OrderByDescending(r => r.Length))
        {
            if (rail.Length > 0 && remaining.Contains(rail, StringComparison.Ordinal))
            {
                found.Add(rail);
                remaining = remaining.Replace(rail, string.Empty, StringComparison.Ordinal);
            }
        }

        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>
    /// The label part of a chain-of-thought reply: the text after the first word "label", less leading
    /// separators, up to "explanation" or the end of the line. Without the word "label", the whole text.
    /// </summary>
    public static string LabelText(string reply)
    {
        var match = LabelWord().Match(reply);
        if (!match.Success)
        {
            return reply.Trim();
        }

        var rest = reply[(match.Index + match.Length)..].TrimStart(' ', ':', '.', '-', '\t');
        var end = rest.IndexOf("explanation", StringComparison.OrdinalIgnoreCase);
        if (end >= 0)
        {
            rest = rest[..end];
        }

        var newline = rest.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0)
        {
            rest = rest[..newline];
        }

        return rest.Trim();
    }

    /// <summary>
    /// True when the text negates what it says ("not relevant", "isn't grounded"). Snapping such text would turn
    /// the judge's verdict round, so the engine refuses to snap it.
    /// </summary>
    public static bool IsNegated(string text) => Negation().IsMatch(text);

    [GeneratedRegex(@"\blabel\b", RegexOptions.IgnoreCase)]
    private static partial Regex LabelWord();

    [GeneratedRegex(@"\b(not|no|never|neither|nor)\b|n't\b|n’t\b", RegexOptions.IgnoreCase)]
    private static partial Regex Negation();
}
