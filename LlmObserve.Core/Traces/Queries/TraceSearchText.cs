using System.Text;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every run of letters and digits
/// becomes a quoted term, so operators such as AND, NEAR, *, - or ^ are searched as text (or dropped, having no
/// letter), and all terms must occur. Splitting as the index's unicode61 tokenizer does gives one token per
/// term, which the position-less index (detail=none) needs: it answers terms, not phrases.
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
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inTerm = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inTerm && start < 0)
            {
                start = i;
            }
            else if (!inTerm && start >= 0)
            {
                // Letters and digits only, so the term holds no quote to escape.
                query.Append(query.Length > 0 ? " \"" : "\"").Append(text, start, i - start).Append('"');
                start = -1;
            }
        }

        return query.Length == 0 ? null : query.ToString();
    }
}
