using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// Whether the output declines the request. A refusal opens the answer, so only its first two sentences are
/// read, and a pattern must start a sentence and name what is declined ("I can't help with that"), which
/// keeps "I can't wait to help" or "I can't help but notice" out. Score 1 for a refusal, 0 otherwise.
/// </summary>
public sealed partial class RefusalEvaluator : IOfflineEvaluator
{
    private const int SentencesRead = 2;

    public string Name => "refusal";

    /// <summary>The version of this evaluator's method; see <see cref="IOfflineEvaluator.Version"/>.</summary>
    public const string Method = "offline-1";

    public string Version => Method;

    public OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Output))
        {
            return OfflineEvaluationResult.Skipped(Name, "no output");
        }

        var opening = SentenceSplitter.Split(input.Output).Take(SentencesRead);
        var match = opening.Select(sentence => Refusal().Match(sentence)).FirstOrDefault(m => m.Success);
        return match is null
            ? OfflineEvaluationResult.Scored(Name, 0, OfflineLabels.Answer, "no refusal phrase opens the output.")
            : OfflineEvaluationResult.Scored(
                Name,
                1,
                OfflineLabels.Refusal,
                $"the output opens with a refusal ({Languages(match)}).");
    }

    private static string Languages(Match match) =>
        match.Groups.Cast<Group>().Skip(1).FirstOrDefault(group => group.Success && group.Name.Length == 2)?.Name
        ?? "en";

    // One alternative per language, each anchored at the start of a sentence, an optional apology first.
    [GeneratedRegex(
        """
        ^(?:\W*(?:sorry|i'?m\s+sorry|i\s+apologi[sz]e|unfortunately|apologies)\b[^.!?]{0,40}?[,.!]?\s*(?:but\s+)?)?
        (?:
          (?<en>(?:as\s+an\s+ai[^,]{0,30},\s*)?
            (?:i|we)\s*(?:can\s*not|can'?t|can’t|won'?t|won’t|will\s+not|am\s+unable\s+to|'m\s+unable\s+to|
              am\s+not\s+able\s+to|'m\s+not\s+able\s+to|am\s+not\s+allowed\s+to|'m\s+not\s+allowed\s+to|
              must\s+decline\s+to)
            \s+(?:help|assist|provide|answer|comply|do\s+that|do\s+this|share|fulfil|fulfill|support|give|discuss|
              engage|create|generate|write|offer)\b(?!\s+but\b)
            |i\s+(?:must|have\s+to)\s+(?:decline|refuse)\b)
          |(?<fr>(?:désolée?,?\s*(?:mais\s+)?)?je\s+ne\s+(?:peux|suis)\s+pas\s+
            (?:vous\s+|t'|en\s+mesure\s+de?\s+(?:vous\s+)?)?(?:aider|répondre|fournir|faire|partager|donner))
          |(?<de>(?:es\s+tut\s+mir\s+leid,?\s*(?:aber\s+)?)?ich\s+(?:kann|darf)\s+(?:ihnen\s+|dir\s+)?
            (?:dabei\s+|hier\s+)?
            (?:leider\s+)?nicht\s+(?:dabei\s+)?(?:helfen|beantworten|antworten|geben|bereitstellen|weiterhelfen)
            |ich\s+bin\s+nicht\s+in\s+der\s+lage)
          |(?<es>(?:lo\s+siento,?\s*(?:pero\s+)?)?no\s+puedo\s+(?:ayudar|responder|proporcionar|dar|hacer|ofrecer))
          |(?<it>(?:mi\s+dispiace,?\s*(?:ma\s+)?)?non\s+(?:posso|sono\s+in\s+grado\s+di)\s+
            (?:aiutar|rispondere|fornire|dare|fare))
          |(?<pt>(?:desculpe,?\s*(?:mas\s+)?)?não\s+(?:posso|consigo)\s+(?:ajudar|responder|fornecer|dar|fazer))
          |(?<nl>(?:sorry,?\s*(?:maar\s+)?)?ik\s+kan\s+(?:je\s+|u\s+)?(?:hier\s+)?(?:daar\s+)?niet\s+(?:mee\s+)?
            (?:helpen|beantwoorden|geven))
        )
        """,
        RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Refusal();
}
