using System.Text.Json.Serialization;

namespace LlmObserve.Core.Scores;

/// <summary>How the Quality page splits each score's series; named in lower case in JSON.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QualitySplit>))]
public enum QualitySplit
{
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("environment")]
    Environment,

    /// <summary>By the trace's release: the prompt or app version that produced the answers.</summary>
    [JsonStringEnumMemberName("release")]
    Release,

    [JsonStringEnumMemberName("model")]
    Model,
}

/// <summary>
/// Which scored traffic the Quality page shows; null keeps all. Stored values: what a trace did not name is the empty
/// string (shown as "(none)").
/// </summary>
public sealed record QualityFilter(string? Environment, string? Release, string? Model)
{
    public static QualityFilter None { get; } = new(null, null, null);
}

/// <summary>Scores of one name in one bucket (or a whole range) of one series.</summary>
/// <param name="Count">Scores.</param>
/// <param name="ValueCount">Those with a numeric value.</param>
/// <param name="Mean">Mean of the values; null without any.</param>
/// <param name="Labelled">Scores with a label.</param>
/// <param name="Failing">Those whose label is a failing one (<see cref="QualityOptions.FailingLabels"/>).</param>
public sealed record QualityPoint(long Count, long ValueCount, double? Mean, long Labelled, long Failing)
{
    public static QualityPoint Empty { get; } = new(0, 0, null, 0, 0);

    /// <summary>Failing over labelled scores, 0…1; null without labelled scores.</summary>
    public double? FailureRate => Labelled > 0 ? (double)Failing / Labelled : null;
}

/// <summary>
/// One line of a score's chart: the whole traffic, or one environment, release or model ("(none)" for traffic that
/// named none).
/// </summary>
public sealed record QualitySeries(string Key, IReadOnlyList<QualityPoint> Points, QualityPoint Total);

/// <summary>One score name over the range: its series in total and split, and how often each label was given.</summary>
/// <param name="Name">The score name.</param>
/// <param name="IsHallucinationType">
/// A groundedness, faithfulness or hallucination score, whose failure rate is its hallucination rate.
/// </param>
/// <param name="Total">All scored traffic the filter keeps.</param>
/// <param name="Splits">Per environment, release or model, as asked; empty without a split.</param>
/// <param name="Labels">Scores per label over the range, most given first; empty for value-only scores.</param>
public sealed record QualityScore(
    string Name,
    bool IsHallucinationType,
    QualitySeries Total,
    IReadOnlyList<QualitySeries> Splits,
    IReadOnlyList<LabelCount> Labels);

/// <summary>How many scores of a name carried a label, and whether it counts as failing.</summary>
public sealed record LabelCount(string Label, long Count, bool Failing);

/// <summary>
/// The Quality page over a time range: bucket starts, each score name's series, and the environments, releases and
/// models that have scores in the range (for the filters).
/// </summary>
/// <remarks>
/// A score falls in the bucket of its trace's start (the same buckets as the overview). A trace that called two
/// models counts under both in a model split, which therefore does not add up to the total.
/// </remarks>
public sealed record QualityTimeline(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Step,
    IReadOnlyList<DateTimeOffset> Buckets,
    QualitySplit Split,
    IReadOnlyList<QualityScore> Scores,
    IReadOnlyList<string> Environments,
    IReadOnlyList<string> Releases,
    IReadOnlyList<string> Models);
