using System.Text.Json;
using System.Text.Json.Serialization;
using LlmObserve.Core.Metrics;

namespace LlmObserve.Core.Scores;

/// <summary>Scores of one name and label that a trace adds to one minute of <see cref="ScoreRollup"/>.</summary>
/// <param name="Minute">Start of the minute, in Unix seconds (UTC).</param>
/// <param name="Name">The score name.</param>
/// <param name="Label">The label, empty for scores without one.</param>
/// <param name="Count">Scores.</param>
/// <param name="ValueCount">Those with a numeric value.</param>
/// <param name="ValueSum">Sum of their values.</param>
public sealed record ScoreShare(long Minute, string Name, string Label, long Count, long ValueCount, double ValueSum);

/// <summary>
/// Everything one trace's scores add to <see cref="ScoreRollup"/>: the trace's environment, release and models (all
/// empty while the trace has not arrived) and its scores per minute, name and label.
/// </summary>
public sealed record ScoreContribution(
    string Environment,
    string Release,
    IReadOnlyList<string> Models,
    IReadOnlyList<ScoreShare> Shares)
{
    public string ToJson() => JsonSerializer.Serialize(this, ScoreContributionJsonContext.Default.ScoreContribution);

    public static ScoreContribution? FromJson(string? json)
        => string.IsNullOrEmpty(json)
            ? null
            : JsonSerializer.Deserialize(json, ScoreContributionJsonContext.Default.ScoreContribution);

    /// <summary>
    /// The contribution of <paramref name="scores"/> (in the order they were stored) on a trace that is
    /// <paramref name="trace"/>, or null when not stored; null when there are no scores. The result is in a fixed
    /// order, so the same scores on the same trace always give the same JSON.
    /// </summary>
    public static ScoreContribution? Compute(ScoredTrace? trace, IReadOnlyList<ScoreFact> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            return null;
        }

        var shares = new SortedDictionary<(long Minute, string Name, string Label), (long, long, double)>(
            ShareKeyComparer.Instance);
        foreach (var score in scores)
        {
            var moment = trace?.StartUnixSeconds ?? score.CreatedUnixSeconds;
            var key = (RollupResolution.BucketOf(moment, RollupResolution.Minute), score.Name, score.Label ?? "");
            shares.TryGetValue(key, out var sums);
            shares[key] = score.Value is { } value
                ? (sums.Item1 + 1, sums.Item2 + 1, sums.Item3 + value)
                : (sums.Item1 + 1, sums.Item2, sums.Item3);
        }

        return new ScoreContribution(
            trace?.Environment ?? "",
            trace?.Release ?? "",
            trace?.Models ?? [],
            [.. shares.Select(s => new ScoreShare(s.Key.Minute, s.Key.Name, s.Key.Label, s.Value.Item1,
                s.Value.Item2, s.Value.Item3))]);
    }

    private sealed class ShareKeyComparer : IComparer<(long Minute, string Name, string Label)>
    {
        public static readonly ShareKeyComparer Instance = new();

        public int Compare((long Minute, string Name, string Label) x, (long Minute, string Name, string Label) y)
        {
            var byMinute = x.Minute.CompareTo(y.Minute);
            if (byMinute != 0)
            {
                return byMinute;
            }

            var byName = string.CompareOrdinal(x.Name, y.Name);
            return byName != 0 ? byName : string.CompareOrdinal(x.Label, y.Label);
        }
    }
}

/// <summary>What the score aggregates need of a stored trace.</summary>
/// <param name="RowId">Its row id, <c>Traces.Id</c>.</param>
/// <param name="StartUnixSeconds">Its start, whole seconds (UTC).</param>
/// <param name="Environment">Empty when it named none.</param>
/// <param name="Release">Empty when it named none.</param>
/// <param name="Models">The models it called, distinct and in ordinal order.</param>
public sealed record ScoredTrace(
    long RowId,
    long StartUnixSeconds,
    string Environment,
    string Release,
    IReadOnlyList<string> Models);

/// <summary>What the score aggregates need of one stored score.</summary>
public sealed record ScoreFact(string Name, double? Value, string? Label, long CreatedUnixSeconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ScoreContribution))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ScoreContributionJsonContext : JsonSerializerContext;
