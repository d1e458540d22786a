using System.Globalization;
using Lingua;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// The language of the output, by Lingua's n-gram models (shipped in the SearchPioneer.Lingua package).
/// The score is Lingua's confidence in the language it names; a text too short to tell, or where no language
/// reaches <see cref="MinimumConfidence"/>, is labelled "unknown". The label is the ISO 639-1 code.
/// </summary>
public sealed class LanguageEvaluator : IOfflineEvaluator
{
    public const double MinimumConfidence = 0.5;

    /// <summary>Texts with fewer letters are too short to tell and labelled "unknown".</summary>
    public const int MinimumLetters = 10;

    /// <summary>
    /// The languages LLM applications answer in most; fewer models load faster and confuse less on short text.
    /// The drift features detect among the same ones.
    /// </summary>
    public static readonly IReadOnlyList<Language> Candidates =
    [
        Language.English, Language.French, Language.German, Language.Spanish, Language.Italian,
        Language.Portuguese, Language.Dutch, Language.Polish, Language.Swedish, Language.Danish, Language.Bokmal,
        Language.Finnish, Language.Czech, Language.Romanian, Language.Hungarian, Language.Greek, Language.Turkish,
        Language.Russian, Language.Ukrainian, Language.Arabic, Language.Hebrew, Language.Hindi, Language.Chinese,
        Language.Japanese, Language.Korean, Language.Vietnamese, Language.Indonesian, Language.Thai,
    ];

    private readonly LanguageIdentifier _identifier;

    /// <summary>An evaluator with its own high-accuracy models (tests); the app shares the catalog's.</summary>
    public LanguageEvaluator()
        : this(new LanguageIdentifier(LanguageAccuracy.High))
    {
    }

    public LanguageEvaluator(LanguageIdentifier identifier)
    {
        _identifier = identifier;
    }

    public string Name => "language";

    /// <summary>The version of this evaluator's method; see <see cref="IOfflineEvaluator.Version"/>.</summary>
    public const string Method = "offline-1";

    public string Version => Method;

    public OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Output))
        {
            return OfflineEvaluationResult.Skipped(Name, "no output");
        }

        if (input.Output.Count(char.IsLetter) < MinimumLetters)
        {
            return OfflineEvaluationResult.Scored(
                Name,
                0,
                OfflineLabels.UnknownLanguage,
                $"fewer than {MinimumLetters} letters: too short to tell.");
        }

        var (language, confidence) = _identifier.Top(input.Output);
        if (language == Language.Unknown || confidence < MinimumConfidence)
        {
            return OfflineEvaluationResult.Scored(
                Name,
                Math.Clamp(confidence, 0, 1),
                OfflineLabels.UnknownLanguage,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"no language reaches confidence {MinimumConfidence:0.0}."));
        }

        return OfflineEvaluationResult.Scored(
            Name,
            Math.Clamp(confidence, 0, 1),
            LanguageIdentifier.Code(language),
            string.Create(CultureInfo.InvariantCulture, $"{language} with confidence {confidence:0.00}."));
    }
}
