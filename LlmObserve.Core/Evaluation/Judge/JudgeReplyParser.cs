using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Reads a label, a score and an explanation from what a judge model replied. Models asked for JSON still wrap
/// it in code fences or prose, give scores as strings or on the template's own scale; all of that is read.
/// Nothing is guessed: a reply with no readable label or score is a failure, never a score.
/// </summary>
public static partial class JudgeReplyParser
{
    private const int MaxObjectCandidates = 32;

    private static readonly JsonDocumentOptions LenientJson = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly string[] LabelKeys = ["label", "verdict", "classification"];
    private static readonly string[] ScoreKeys = ["score", "rating"];
    private static readonly string[] ExplanationKeys = ["explanation", "reasoning", "reason", "rationale"];

    public static JudgeReplyParse Parse(string reply, JudgeTemplate template)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return Failed("The judge's reply was empty.");
        }

        string? firstProblem = null;
        foreach (var candidate in ObjectCandidates(reply))
        {
            var read = ReadObject(candidate, template);
            if (read.IsParsed)
            {
                return read;
            }

            firstProblem ??= read.Failure;
        }

        if (firstProblem is not null)
        {
            return Failed(firstProblem);
        }

        return ReadProse(reply, template);
    }

    private static IEnumerable<JsonElement> ObjectCandidates(string reply)
    {
        var texts = new List<string> { reply.Trim() };
        texts.AddRange(Fence().Matches(reply).Select(match => match.Groups["body"].Value.Trim()));
        texts.AddRange(BalancedObjects(reply).Take(MaxObjectCandidates));

        foreach (var text in texts.Where(text => text.StartsWith('{')).Distinct())
        {
            JsonElement? element = null;
            try
            {
                using var document = JsonDocument.Parse(text, LenientJson);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    element = document.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // Not JSON after all; the next candidate may be.
            }

            if (element is { } found)
            {
                yield return found;
            }
        }
    }

    /// <summary>Each outermost {...} span in the text, brackets inside JSON strings ignored.</summary>
    private static IEnumerable<string> BalancedObjects(string text)
    {
        var start = -1;
        var depth = 0;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"' && depth > 0)
            {
                inString = true;
            }
            else if (c == '{')
            {
                if (depth++ == 0)
                {
                    start = i;
                }
            }
            else if (c == '}' && depth > 0 && --depth == 0)
            {
                yield return text[start..(i + 1)];
            }
        }
    }

    private static JudgeReplyParse ReadObject(JsonElement json, JudgeTemplate template)
    {
        var labelText = StringProperty(json, LabelKeys);
        var explanation = StringProperty(json, ExplanationKeys) ?? string.Empty;

        double? score = null;
        if (Property(json, ScoreKeys) is { } scoreElement)
        {
            var (value, problem) = ReadScore(scoreElement, template.Scale);
            if (problem is not null)
            {
                return Failed(problem);
            }

            score = value;
        }

        var label = SnapLabel(labelText, template);
        if (score is null && label is null)
        {
            return Failed(labelText is null
                ? "The judge's JSON has neither a label nor a score."
                : $"The judge's label \"{labelText}\" is none of the template's labels, and no score was given.");
        }

        if (score is null)
        {
            score = template.Labels.First(candidate => Same(candidate.Name, label!)).Score;
        }
        else if (label is null && template.Labels.Count > 0)
        {
            var value = score.Value;
            label = template.Labels.OrderBy(candidate => Math.Abs(candidate.Score - value)).First().Name;
        }

        return new JudgeReplyParse(new JudgeVerdict(label, score.Value, explanation.Trim()), null);
    }

    private static JudgeReplyParse ReadProse(string reply, JudgeTemplate template)
    {
        if (template.Labels.Count == 0)
        {
            return Failed("The judge's reply holds no JSON object with a score.");
        }

        var labelText = LabelRails.LabelText(reply);
        var label = LabelRails.IsNegated(labelText) ? null : SnapLabel(labelText, template);
        if (label is null)
        {
            return Failed("The judge's reply holds no JSON object and no single one of the template's labels.");
        }

        var score = template.Labels.First(candidate => Same(candidate.Name, label)).Score;
        var explanationAt = reply.IndexOf("explanation", StringComparison.OrdinalIgnoreCase);
        var explanation = explanationAt < 0
            ? string.Empty
            : reply[(explanationAt + "explanation".Length)..].TrimStart(' ', ':', '.', '-', '\t').Trim();
        return new JudgeReplyParse(new JudgeVerdict(label, score, explanation), null);
    }

    private static string? SnapLabel(string? labelText, JudgeTemplate template)
    {
        if (string.IsNullOrWhiteSpace(labelText))
        {
            return null;
        }

        if (template.Labels.Count == 0)
        {
            return labelText.Trim();
        }

        if (LabelRails.IsNegated(labelText))
        {
            return null;
        }

        var snapped = LabelRails.Snap(labelText, template.Labels.Select(label => label.Name));
        return snapped is null ? null : template.Labels.First(label => Same(label.Name, snapped)).Name;
    }

    /// <summary>
    /// A number on the template's scale, a numeric string, a percentage or a fraction such as "8/10"; the last
    /// two say their own scale, so they are read as fractions of 1 whatever the template's scale.
    /// </summary>
    private static (double? Score, string? Problem) ReadScore(JsonElement element, JudgeScoreScale scale)
    {
        double value;
        var ownScale = false;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                value = element.GetDouble();
                break;

            case JsonValueKind.String:
                var text = element.GetString()!.Trim();
                if (!TryReadNumberText(text, out value, out ownScale))
                {
                    return (null, $"The judge's score \"{text}\" is not a number.");
                }

                break;

            case JsonValueKind.Null:
                return (null, "The judge's score is null.");

            default:
                return (null, $"The judge's score is a {element.ValueKind}, not a number.");
        }

        var normalised = ownScale ? JudgeScoreScale.Unit.Normalise(value) : scale.Normalise(value);
        return normalised is null
            ? (null, string.Create(
                CultureInfo.InvariantCulture,
                $"The judge's score {value} lies outside the scale {(ownScale ? JudgeScoreScale.Unit : scale)}."))
            : (normalised, null);
    }

    private static bool TryReadNumberText(string text, out double value, out bool ownScale)
    {
        ownScale = false;
        var number = NumberText();

        if (text.EndsWith('%')
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
        {
            value = percent / 100;
            ownScale = true;
            return true;
        }

        var slash = text.Split('/', StringSplitOptions.TrimEntries);
        if (slash.Length == 2
            && double.TryParse(slash[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var numerator)
            && double.TryParse(slash[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var denominator)
            && denominator > 0)
        {
            value = numerator / denominator;
            ownScale = true;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && number.IsMatch(text);
    }

    private static JsonElement? Property(JsonElement json, string[] names)
    {
        foreach (var name in names)
        {
            foreach (var property in json.EnumerateObject())
            {
                if (Same(property.Name, name))
                {
                    return property.Value;
                }
            }
        }

        return null;
    }

    private static string? StringProperty(JsonElement json, string[] names) =>
        Property(json, names) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static bool Same(string a, string b) =>
        string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static JudgeReplyParse Failed(string reason) => new(null, reason);

    [GeneratedRegex(@"```[A-Za-z]*\s*(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberText();
}
