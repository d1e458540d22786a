using Lingua;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// The language of a text as the drift features record it: Lingua among the language evaluator's candidates, with its
/// rules (at least <see cref="LanguageEvaluator.MinimumLetters"/> letters and a confidence of
/// <see cref="LanguageEvaluator.MinimumConfidence"/>, else "unknown"), in the accuracy mode the options pick.
/// Thread-safe once built; building preloads the models (see <see cref="LanguageAccuracy"/> for the cost).
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

    /// <summary>The ISO 639-1 code of the text's language, or <see cref="Unknown"/>; null for no text.</summary>
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

        var (language, confidence) = _detector.ComputeLanguageConfidenceValues(text)
            .OrderByDescending(pair => pair.Value)
            .Select(pair => (pair.Key, pair.Value))
            .FirstOrDefault();
        return language == Language.Unknown || confidence < LanguageEvaluator.MinimumConfidence
            ? Unknown
            : LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant();
    }
}

/// <summary>
/// Lingua's two modes. High reads 1- to 5-grams: the best on short text, about 1.4 GB resident and 10–15 s to load
/// for the evaluator's 28 languages. Low reads trigrams only: far smaller and faster to load, close on long text, worse on
/// a few words (figures in the README, <c>bench languages</c>).
/// </summary>
public enum LanguageAccuracy
{
    Low,
    High,
}
