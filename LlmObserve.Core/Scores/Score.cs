namespace LlmObserve.Core.Scores;

/// <summary>Where a score came from.</summary>
public static class ScoreSource
{
    public const string Judge = "judge";
    public const string Offline = "offline";
    public const string Human = "human";
    public const string User = "user";
    public const string Api = "api";
}

/// <summary>A numeric or categorical verdict on a trace or one of its spans.</summary>
public sealed class Score
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    public string? SpanId { get; set; }

    public required string Name { get; set; }

    public double? Value { get; set; }

    public string? Label { get; set; }

    public string? Explanation { get; set; }

    /// <summary>One of <see cref="ScoreSource"/>.</summary>
    public required string Source { get; set; }

    public string? EvaluatorId { get; set; }

    public string? EvaluatorVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>For a label given in an annotation queue (source human): who gave it.</summary>
    public string? Reviewer { get; set; }

    /// <summary>For a label given in an annotation queue: the item it was given on.</summary>
    public long? AnnotationItemId { get; set; }

    /// <summary>
    /// The sender's own id for the score (<c>scores[].id</c>), unique per project: a retried batch re-sends it, and
    /// the store keeps the first score under that id instead of counting it twice. Null when the sender gave none.
    /// </summary>
    public string? ClientId { get; set; }
}
