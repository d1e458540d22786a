using LlmObserve.Core.Feedback;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>The values of the trace list's <c>feedback</c> filter and what each matches.</summary>
public static class TraceFeedbackFilter
{
    public const string Any = "any";
    public const string Negative = "negative";
    public const string Positive = "positive";

    /// <summary>Every accepted value: the three groups, then each kind.</summary>
    public static IReadOnlyList<string> Values { get; } = [Any, Negative, Positive, .. FeedbackKinds.All];

    public static bool IsValid(string value) => Values.Contains(value, StringComparer.Ordinal);

    /// <summary>
    /// The SQL condition on a feedback row aliased <paramref name="alias"/>; <paramref name="bind"/> turns a value into
    /// a parameter name.
    /// </summary>
    public static string Condition(string value, string alias, Func<object, string> bind) => value switch
    {
        Any => "1",
        Negative => $"""
            (({alias}."Kind" = '{FeedbackKinds.Thumbs}' AND {alias}."Value" < 0)
                OR ({alias}."Kind" = '{FeedbackKinds.Rating}'
                    AND {alias}."Value" <= {FeedbackKinds.NegativeRatingUpTo}))
            """,
        Positive => $"""
            (({alias}."Kind" = '{FeedbackKinds.Thumbs}' AND {alias}."Value" > 0)
                OR ({alias}."Kind" = '{FeedbackKinds.Rating}'
                    AND {alias}."Value" >= {FeedbackKinds.PositiveRatingFrom}))
            """,
        _ when FeedbackKinds.IsKnown(value) => $"{alias}.\"Kind\" = {bind(value)}",
        _ => throw new ArgumentException($"'{value}' is not a feedback filter.", nameof(value)),
    };
}
