using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Experiments;

/// <summary>
/// An experiment's prompt: <c>{input}</c> and <c>{context}</c> filled from a dataset item in one pass (so an item
/// whose text holds "{context}" pulls in nothing more); other braces are left as they are.
/// </summary>
public static partial class PromptTemplate
{
    public const int MaxLength = 50_000;

    /// <summary>Why the template cannot be used; null when it can.</summary>
    public static string? Check(string template)
    {
        if (template.Length > MaxLength)
        {
            return $"'promptTemplate' is at most {MaxLength} characters.";
        }

        return template.Contains("{input}", StringComparison.Ordinal)
            ? null
            : "'promptTemplate' must contain {input}, where each item's input goes ({context} is optional).";
    }

    public static string Render(string template, string input, IReadOnlyList<string> context)
        => Placeholder().Replace(template, match => match.Groups["name"].Value == "input"
            ? input
            : FormatContext(context));

    private static string FormatContext(IReadOnlyList<string> documents)
    {
        var text = new StringBuilder();
        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                text.Append("\n\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {documents[i].Trim()}");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{(?<name>input|context)\}")]
    private static partial Regex Placeholder();
}
