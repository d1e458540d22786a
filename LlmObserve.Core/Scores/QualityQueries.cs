using LlmObserve.Core.Metrics;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Scores;

/// <summary>
/// The Quality page's data: each score name's mean and failure (hallucination) rate over time, in total and split by
/// environment, release or model, read from <see cref="ScoreRollup"/> only, so a long range costs a few rows per
/// bucket whatever the number of scores.
/// </summary>
public sealed class QualityQueries(IDbContextFactory<LlmObserveDbContext> dbFactory, LlmObserveOptions options)
{
    private static readonly string[] HallucinationWords = ["ground", "hallucin", "faithful"];

    /// <summary>Whether a score name reads as groundedness, faithfulness or hallucination.</summary>
    public static bool IsHallucinationType(string name)
        => HallucinationWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The scores of <paramref name="projectId"/> whose traces start from <paramref name="from"/> to
    /// <paramref name="to"/> (each rounded up to a whole minute, as on the overview), in buckets of
    /// <see cref="OverviewQueries.StepFor"/> aligned in the viewer's <paramref name="zoneOffset"/>, of the traffic
    /// <paramref name="filter"/> keeps, split as asked.
    /// </summary>
    /// <remarks>
    /// Exact to the minute: whole hours inside the range come from hourly rollups when the step is an hour or more,
    /// the rest from minute rollups.
    /// </remarks>
    /// <exception cref="ArgumentException">The range is empty or reversed.</exception>
    public async Task<QualityTimeline> TimelineAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan zoneOffset,
        QualityFilter filter,
        QualitySplit split,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        from = OverviewQueries.ToWholeMinute(from);
        to = OverviewQueries.ToWholeMinute(to);
        if (to <= from)
        {
            throw new ArgumentException("The range must end after it starts.", nameof(to));
        }

        var step = OverviewQueries.StepFor(from, to);
        var stepSeconds = (long)step.TotalSeconds;
        var offset = (long)zoneOffset.TotalSeconds;
        var fromSeconds = from.ToUnixTimeSeconds();
        var toSeconds = to.ToUnixTimeSeconds();
        var first = OverviewQueries.AlignDown(fromSeconds, stepSeconds, offset);
        var end = OverviewQueries.AlignDown(toSeconds - 1, stepSeconds, offset) + stepSeconds;
        var bucketCount = (int)((end - first) / stepSeconds);
        var hourFrom = RollupResolution.BucketOf(fromSeconds + RollupResolution.Hour - 1, RollupResolution.Hour);
        var hourTo = RollupResolution.BucketOf(toSeconds, RollupResolution.Hour);
        if (stepSeconds < RollupResolution.Hour || hourFrom >= hourTo)
        {
            hourFrom = hourTo = toSeconds;
        }

        var failing = options.Quality.FailingLabelSet();
        var builder = new Builder(bucketCount, failing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = QualitySql.Timeline(filter, split);
            command.Parameters.AddWithValue("$project", projectId);
            command.Parameters.AddWithValue("$from", fromSeconds);
            command.Parameters.AddWithValue("$hourFrom", hourFrom);
            command.Parameters.AddWithValue("$hourTo", hourTo);
            command.Parameters.AddWithValue("$to", toSeconds);
            command.Parameters.AddWithValue("$step", stepSeconds);
            command.Parameters.AddWithValue("$offset", offset);
            command.Parameters.AddWithValue("$environment", filter.Environment ?? string.Empty);
            command.Parameters.AddWithValue("$release", filter.Release ?? string.Empty);
            command.Parameters.AddWithValue("$model", filter.Model ?? string.Empty);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)((reader.GetInt64(0) - first) / stepSeconds);
                var whole = reader.GetInt64(3) != 0;
                var sums = new Sums(reader.GetInt64(5), reader.GetInt64(6), reader.GetDouble(7));
                var inTotal = filter.Model is not null || whole;
                var inSplit = split switch
                {
                    QualitySplit.None => false,
                    QualitySplit.Model => filter.Model is not null || !whole,
                    _ => inTotal,
                };
                var (name, part, label) = (reader.GetString(1), Shown(reader.GetString(2)), reader.GetString(4));
                builder.Add(name, part, label, index, sums, inTotal, inSplit);
            }
        }

        var dimensions = await ReadDimensionsAsync(
            connection,
            projectId,
            RollupResolution.BucketOf(fromSeconds, RollupResolution.Hour),
            toSeconds,
            cancellationToken);
        var buckets = Enumerable.Range(0, bucketCount)
            .Select(i => DateTimeOffset.FromUnixTimeSeconds(first + (i * stepSeconds)))
            .ToArray();
        return new QualityTimeline(
            from,
            to,
            step,
            buckets,
            split,
            builder.Build(),
            dimensions.Environments,
            dimensions.Releases,
            dimensions.Models);
    }

    /// <summary>The environments, releases and models with scores in the hours the range touches.</summary>
    private static async Task<(string[] Environments, string[] Releases, string[] Models)> ReadDimensionsAsync(
        SqliteConnection connection,
        string projectId,
        long fromHour,
        long toSeconds,
        CancellationToken cancellationToken)
    {
        var environments = new SortedSet<string>(StringComparer.Ordinal);
        var releases = new SortedSet<string>(StringComparer.Ordinal);
        var models = new SortedSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = QualitySql.Dimensions;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$from", fromHour);
        command.Parameters.AddWithValue("$to", toSeconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            environments.Add(Shown(reader.GetString(0)));
            releases.Add(Shown(reader.GetString(1)));
            var model = reader.GetString(2);
            if (model != MetricRollup.AllModels)
            {
                models.Add(Shown(model));
            }
        }

        return ([.. environments], [.. releases], [.. models]);
    }

    /// <summary>An environment, release or model as shown and filtered on: one not named is "(none)".</summary>
    private static string Shown(string stored) => stored.Length == 0 ? MetricLabels.None : stored;

    private readonly record struct Sums(long Count, long ValueCount, double ValueSum);

    /// <summary>Gathers rows into per-name series; labels decide what counts as failing.</summary>
    private sealed class Builder(int bucketCount, IReadOnlySet<string> failing)
    {
        private readonly SortedDictionary<string, NameSeries> _names = new(StringComparer.Ordinal);

        public void Add(string name, string part, string label, int index, Sums sums, bool inTotal, bool inSplit)
        {
            if (index < 0 || index >= bucketCount || (!inTotal && !inSplit))
            {
                return;
            }

            if (!_names.TryGetValue(name, out var series))
            {
                _names[name] = series = new NameSeries(bucketCount);
            }

            var isFailing = label.Length > 0 && failing.Contains(label);
            if (inTotal)
            {
                series.Total.Add(index, sums, label.Length > 0, isFailing);
                if (label.Length > 0)
                {
                    series.Labels.TryGetValue(label, out var count);
                    series.Labels[label] = count + sums.Count;
                }
            }

            if (inSplit)
            {
                if (!series.Splits.TryGetValue(part, out var split))
                {
                    series.Splits[part] = split = new Accumulator(bucketCount);
                }

                split.Add(index, sums, label.Length > 0, isFailing);
            }
        }

        public IReadOnlyList<QualityScore> Build()
            => [
                .. _names
                    .Select(n => new QualityScore(
                        n.Key,
                        IsHallucinationType(n.Key),
                        n.Value.Total.ToSeries(n.Key),
                        [
                            .. n.Value.Splits
                                .Select(s => s.Value.ToSeries(s.Key))
                                .OrderByDescending(s => s.Total.Count)
                                .ThenBy(s => s.Key, StringComparer.Ordinal),
                        ],
                        [
                            .. n.Value.Labels
                                .OrderByDescending(l => l.Value)
                                .ThenBy(l => l.Key, StringComparer.Ordinal)
                                .Select(l => new LabelCount(l.Key, l.Value, failing.Contains(l.Key))),
                        ]))
                    .Where(s => s.Total.Total.Count > 0 || s.Splits.Count > 0),
            ];
    }

    private sealed class NameSeries(int bucketCount)
    {
        public Accumulator Total { get; } = new(bucketCount);

        public SortedDictionary<string, Accumulator> Splits { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Labels { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Accumulator(int bucketCount)
    {
        private readonly long[] _count = new long[bucketCount];
        private readonly long[] _valueCount = new long[bucketCount];
        private readonly double[] _valueSum = new double[bucketCount];
        private readonly long[] _labelled = new long[bucketCount];
        private readonly long[] _failing = new long[bucketCount];

        public void Add(int index, Sums sums, bool labelled, bool failing)
        {
            _count[index] += sums.Count;
            _valueCount[index] += sums.ValueCount;
            _valueSum[index] += sums.ValueSum;
            if (labelled)
            {
                _labelled[index] += sums.Count;
            }

            if (failing)
            {
                _failing[index] += sums.Count;
            }
        }

        public QualitySeries ToSeries(string key)
        {
            var points = new QualityPoint[_count.Length];
            for (var i = 0; i < points.Length; i++)
            {
                points[i] = Point(_count[i], _valueCount[i], _valueSum[i], _labelled[i], _failing[i]);
            }

            var total = Point(_count.Sum(), _valueCount.Sum(), _valueSum.Sum(), _labelled.Sum(), _failing.Sum());
            return new QualitySeries(key, points, total);
        }

        private static QualityPoint Point(long count, long valueCount, double valueSum, long labelled, long failing)
            => count == 0 && valueCount == 0
                ? QualityPoint.Empty
                : new QualityPoint(count, valueCount, valueCount > 0 ? valueSum / valueCount : null, labelled, failing);
    }
}
