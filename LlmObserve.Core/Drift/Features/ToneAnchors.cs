namespace LlmObserve.Core.Drift.Features;

/// <summary>
/// The anchor phrases that sentiment and tone are read against, zero-shot: an output takes the class whose anchors
/// it is most similar to in MiniLM's space (the mean cosine over the class's anchors). Written for LlmObserve; a
/// change to any anchor changes results, so it needs a new <see cref="TraceFeatureExtractor.Version"/>.
/// </summary>
/// <remarks>
/// Sentiment: positive, neutral, negative, the usual three. Tone: four registers an assistant's answers drift
/// between and a product owner acts on: apologetic (a model that starts apologising a lot is failing), formal,
/// casual, and assertive (commands and certainty). Plain matter-of-fact answers fall to formal.
/// </remarks>
public static class ToneAnchors
{
    public const string Positive = "positive";
    public const string Neutral = "neutral";
    public const string Negative = "negative";

    public const string Apologetic = "apologetic";
    public const string Formal = "formal";
    public const string Casual = "casual";
    public const string Assertive = "assertive";

    public static readonly IReadOnlyDictionary<string, string[]> Sentiment = new Dictionary<string, string[]>
    {
        [Positive] =
        [
            "Great news, it worked perfectly and everything is fine!",
            "I'm so glad, this is a wonderful result.",
            "Congratulations, that is excellent, well done!",
            "Happy to help, enjoy it, you will love it.",
            "Good news: it was approved and it went really well.",
        ],
        [Neutral] =
        [
            "The document lists the steps in order.",
            "The function returns a list of values.",
            "The office opens at nine and closes at five.",
            "The report has three sections and an appendix.",
            "The file is in the shared folder.",
        ],
        [Negative] =
        [
            "Unfortunately it failed and the data was lost.",
            "That is terrible, nothing works and it is broken.",
            "Your request was rejected and cancelled.",
            "This is a serious problem, the results are bad and getting worse.",
            "It is wrong, disappointing and a waste of money.",
        ],
    };

    public static readonly IReadOnlyDictionary<string, string[]> Tone = new Dictionary<string, string[]>
    {
        [Apologetic] =
        [
            "I'm so sorry, I apologize for my mistake.",
            "Sorry about that, my apologies.",
            "I apologize for the confusion in my previous answer.",
            "Please accept our sincere apologies.",
        ],
        [Formal] =
        [
            "We are pleased to inform you that your request has been approved.",
            "Please be advised that the service will be unavailable.",
            "Please find the requested information below.",
            "In accordance with the policy, the application has been processed.",
            "The procedure consists of the following steps.",
        ],
        [Casual] =
        [
            "Hey! Sure thing, no worries.",
            "Yeah, that totally works, cool!",
            "Haha, nice one, let's do it!",
            "Oh yeah, just grab it from there and you're set.",
        ],
        [Assertive] =
        [
            "You must do this now. Do not skip this step.",
            "This is the only correct way. Follow it exactly.",
            "Stop doing that immediately, it is wrong.",
            "Never do that. Always do it this way.",
        ],
    };
}
