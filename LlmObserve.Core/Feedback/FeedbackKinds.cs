using System.Globalization;

namespace LlmObserve.Core.Feedback;

/// <summary>
/// The kinds of feedback and the value each may carry. Thumbs are 1 (up) or -1 (down); a rating is a whole number
/// from <see cref="MinRating"/> to <see cref="MaxRating"/>; a comment needs its text; the implicit signals (retry,
/// rephrase, escalate, abandon, copy) are events and carry no value.
/// </summary>
public static class FeedbackKinds
{
    public const string Thumbs = "thumbs";
    public const string Rating = "rating";
    public const string Comment = "comment";
    public const string Retry = "retry";
    public const string Rephrase = "rephrase";
    public const string Escalate = "escalate";
    public const string Abandon = "abandon";
    public const string Copy = "copy";

    public const int MinRating = 1;
    public const int MaxRating = 5;

    /// <summary>A rating at or below this is negative; at or above <see cref="PositiveRatingFrom"/> positive.</summary>
    public const int NegativeRatingUpTo = 2;

    public const int PositiveRatingFrom = 4;

    public static IReadOnlyList<string> Explicit { get; } = [Thumbs, Rating, Comment];

    public static IReadOnlyList<string> Implicit { get; } = [Retry, Rephrase, Escalate, Abandon, Copy];

    public static IReadOnlyList<string> All { get; } = [.. Explicit, .. Implicit];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);

    public static bool IsImplicit(string kind) => Implicit.Contains(kind, StringComparer.Ordinal);

    /// <summary>
    /// Why <paramref name="value"/> (and <paramref name="comment"/>) cannot go with a known <paramref name="kind"/>,
    /// as (field, reason); null when they fit.
    /// </summary>
    public static (string Field, string Reason)? Check(string kind, double? value, string? comment)
    {
        switch (kind)
        {
            case Thumbs when value is not (1 or -1):
                return ("value", value is null
                    ? "thumbs feedback needs a 'value': 1 (up) or -1 (down)."
                    : $"{Show(value.Value)} is outside the range of thumbs: 1 (up) or -1 (down).");
            case Rating when value is null:
                return ("value", $"rating feedback needs a 'value', a whole number from {MinRating} to {MaxRating}.");
            case Rating when value is not { } rating || rating < MinRating || rating > MaxRating
                || rating != Math.Floor(rating):
                return ("value",
                    $"{Show(value!.Value)} is outside the range of a rating: a whole number from {MinRating} to "
                    + $"{MaxRating}.");
            case Comment when string.IsNullOrWhiteSpace(comment):
                return ("comment", "comment feedback needs the 'comment' text.");
            case Comment when value is not null:
                return ("value", "comment feedback carries no value; put the text in 'comment'.");
            case Retry or Rephrase or Escalate or Abandon or Copy when value is not null:
                return ("value", $"{kind} is an event and carries no value.");
            default:
                return null;
        }
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
