using System.Text;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every whitespace-separated word
/// becomes a quoted phrase (quotes inside doubled), so operators such as AND, NEAR, *, - or ^ are searched as
/// text, and all words must occur. Words without a letter or digit are dropped, as the tokenizer would index
/// nothing for them.
/// </summary>
public static class TraceSearchText
{
    /// <summary>The MATCH expression, or null when the text holds no letter or digit to search for.</summary>
    public static string? ToMatchQuery(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var query = new StringBuilder();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!word.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            if (query.Length > 0)
            {
                query.Append(' ');
            }

            query.Append('"').Append(word.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        return query.Length == 0 ? null : query.ToString();
    }
}
