using System.Globalization;
using LlmObserve.Core.Annotation;

namespace LlmObserve.Web.Annotation;

/// <summary>
/// The queue form's score configurations, one per line: <c>correct: boolean</c>, <c>tone: categorical
/// friendly|neutral|rude</c>, <c>helpfulness: numeric 1..5</c>, <c>notes: text</c>.
/// </summary>
internal static class ScoreConfigText
{
    public const string Example = "correct: boolean\ntone: categorical friendly|neutral|rude\nhelpfulness: numeric 1..5"
        + "\nnotes: text";

    /// <returns>The drafts, or the first line that cannot be read (1-based) with why.</returns>
    public static (IReadOnlyList<ScoreConfigDraft> Drafts, string? Error) Parse(string? text)
    {
        var drafts = new List<ScoreConfigDraft>();
        var lines = (text ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return ([], $"Line {i + 1}: write 'name: kind', e.g. 'correct: boolean'.");
            }

            var name = line[..colon].Trim();
            var rest = line[(colon + 1)..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            var kind = (space < 0 ? rest : rest[..space]).ToLowerInvariant();
            var argument = space < 0 ? string.Empty : rest[(space + 1)..].Trim();
            switch (kind)
            {
                case ScoreConfigKinds.Categorical:
                    drafts.Add(new ScoreConfigDraft(name, kind, argument.Split('|'), null, null));
                    break;
                case ScoreConfigKinds.Numeric:
                    var bounds = argument.Split("..", StringSplitOptions.TrimEntries);
                    if (bounds.Length != 2
                        || !double.TryParse(bounds[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
                        || !double.TryParse(bounds[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max))
                    {
                        return ([], $"Line {i + 1}: a numeric score names its range, e.g. 'numeric 1..5'.");
                    }

                    drafts.Add(new ScoreConfigDraft(name, kind, null, min, max));
                    break;
                default:
                    drafts.Add(new ScoreConfigDraft(name, kind, null, null, null));
                    break;
            }
        }

        return (drafts, null);
    }
}
