using Lingua;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// Lingua among <see cref="LanguageEvaluator.Candidates"/> in one accuracy mode, with the models preloaded. One
/// instance serves the language evaluator and the drift features
/// (<see cref="Engine.OfflineEvaluatorCatalog.Languages"/>), so the process holds the models once. Thread-safe.
/// </summary>
public sealed class LanguageIdentifier
{
    /// <summary>The label of a text too short, or too mixed, to tell.</summary>
    public const string Unknown = OfflineLabels.UnknownLanguage;

    private readonly LanguageDetector _detector;

    public LanguageIdentifier(LanguageAccuracy accuracy)
    {
        var builder = LanguageDetectorBuilder.FromLanguages([.. LanguageEvaluator.Candidates]);
        if (accuracy == LanguageAccuracy.Low)
        {
            builder = builder.WithLowAccuracyMode();
        }

        Accuracy = accuracy;
        _detector = builder.WithPreloadedLanguageModels().Build();
    }

    public LanguageAccuracy Accuracy { get; }

    /// <summary>The likeliest candidate and Lingua's confidence in it (<see cref="Language.Unknown"/>, 0).</summary>
    public (Language Language, double Confidence) Top(string text)
        => _detector.ComputeLanguageConfidenceValues(text)
            .OrderByDescending(pair => pair.Value)
            .Select(pair => (pair.Key, pair.Value))
            .FirstOrDefault();

    /// <summary>
    /// The ISO 639-1 code of the text's language by the language evaluator's rules (at least
    /// <see cref="LanguageEvaluator.MinimumLetters"/> letters and confidence
    /// <see cref="LanguageEvaluator.MinimumConfidence"/>), else <see cref="Unknown"/>; null for no text.
    /// </summary>
    public string? Identify(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Count(char.IsLetter) < LanguageEvaluator.MinimumLetters)
        {
            return Unknown;
        }

        var (language, confidence) = Top(text);
        return language == Language.Unknown || confidence < LanguageEvaluator.MinimumConfidence
            ? Unknown
            : Code(language);
    }

    public static string Code(Language language) => LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant();
}

/// <summary>
/// Lingua's two modes, measured on the 2-core machine with the 28 candidates (<c>bench languages</c>, README). High
/// reads 1- to 5-grams: 1.5 to 1.8 GB resident, 17 to 20 s to load; on a short question it is unsure ("unknown") more
/// often than wrong. Low reads trigrams only: about 130 MB, about a second; as right on paragraphs, but it names a
/// wrong language for some short English questions ("How do I reset my password?" as Italian, confidence 1.0).
/// </summary>
public enum LanguageAccuracy
{
    Low,
    High,
}
