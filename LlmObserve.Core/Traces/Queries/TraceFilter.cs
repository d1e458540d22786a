namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Which traces of a project to list. Every set criterion must hold; text criteria other than
/// <see cref="Search"/> match exactly.
/// </summary>
public sealed record TraceFilter
{
    /// <summary>Earliest trace start, inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Latest trace start, exclusive.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Name { get; init; }

    public string? SessionId { get; init; }

    public string? UserId { get; init; }

    /// <summary>A model the trace used; matched against each entry of the trace's model list.</summary>
    public string? Model { get; init; }

    /// <summary>A tag the trace carries.</summary>
    public string? Tag { get; init; }

    /// <summary>One of <see cref="SpanStatus"/>.</summary>
    public string? Status { get; init; }

    public string? Environment { get; init; }

    public string? Release { get; init; }

    public double? MinLatencyMs { get; init; }

    public double? MaxLatencyMs { get; init; }

    /// <summary>Lowest cost in USD; traces without a cost never match a cost bound.</summary>
    public double? MinCost { get; init; }

    public double? MaxCost { get; init; }

    /// <summary>
    /// Words that must all occur in the trace name, input or output (whole words, any case, accents ignored),
    /// searched through the FTS5 index; see <see cref="TraceSearchText"/>.
    /// </summary>
    public string? Search { get; init; }

    /// <summary>
    /// A score name the trace carries (on the trace or any of its spans). With <see cref="MinScore"/> or
    /// <see cref="MaxScore"/>, the mean of the trace's numeric scores of that name must lie within them; with
    /// <see cref="ScoreLabel"/>, one of those scores must carry that label.
    /// </summary>
    public string? ScoreName { get; init; }

    /// <summary>
    /// Lowest mean of the trace's scores named <see cref="ScoreName"/>, inclusive; a trace whose scores of that name
    /// have only labels never matches a bound.
    /// </summary>
    public double? MinScore { get; init; }

    /// <summary>Highest mean, inclusive; see <see cref="MinScore"/>.</summary>
    public double? MaxScore { get; init; }

    /// <summary>A label one of the trace's scores named <see cref="ScoreName"/> carries, matched exactly.</summary>
    public string? ScoreLabel { get; init; }

    /// <summary>
    /// Feedback the trace received (see <see cref="TraceFeedbackFilter"/>): <c>any</c>, <c>negative</c> (thumbs
    /// down or a rating of 2 or less), <c>positive</c> (thumbs up or a rating of 4 or more), or a kind
    /// (<c>comment</c>, <c>retry</c>, …).
    /// </summary>
    public string? Feedback { get; init; }

    /// <summary>Only these traces; used to refresh rows already on screen.</summary>
    public IReadOnlyCollection<string>? TraceIds { get; init; }

    public static TraceFilter None { get; } = new();
}
