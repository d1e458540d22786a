using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// The overview dashboard's data: series over time and top lists, read from the rollups only, so a month of
/// traffic costs a few thousand rows whatever the number of traces (bench/README.md, dashboard).
/// </summary>
public sealed class OverviewQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    /// <summary>Most buckets a timeline has; the step grows with the range to stay under it.</summary>
    public const int MaxBuckets = 150;

    public const int DefaultLeaders = 10;

    /// <summary>
    /// The longest range whose top users and sessions are ranked straight from its traces; at a million traces a
    /// month, two days are about seventy thousand rows of the start-time index.
    /// </summary>
    public static readonly TimeSpan ExactLeaderRange = TimeSpan.FromDays(2);

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    /// <summary>
    /// The smallest step that splits the range into at most <see cref="MaxBuckets"/> buckets.
    /// </summary>
    public static TimeSpan StepFor(DateTimeOffset from, DateTimeOffset to)
    {
        var range = to - from;
        foreach (var step in Steps)
        {
            if (range.Ticks / step.Ticks < MaxBuckets)
            {
                return step;
            }
        }

        return TimeSpan.FromDays(Math.Ceiling(range.TotalDays / MaxBuckets));
    }

    /// <summary>
    /// Series of <paramref name="projectId"/> from <paramref name="from"/> to <paramref name="to"/>, in buckets of
    /// <see cref="StepFor"/> aligned to whole steps in the viewer's <paramref name="zoneOffset"/> (days start at
    /// the viewer's midnight).
    /// </summary>
    /// <exception cref="ArgumentException">The range is empty or reversed.</exception>
    public async Task<OverviewTimeline> TimelineAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan zoneOffset,
        CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            throw new ArgumentException("The range must end after it starts.", nameof(to));
        }

        var step = StepFor(from, to);
        var stepSeconds = (long)step.TotalSeconds;
        var offset = (long)zoneOffset.TotalSeconds;
        var first = AlignDown(from.ToUnixTimeSeconds(), stepSeconds, offset);
        var end = AlignDown(to.ToUnixTimeSeconds() - 1, stepSeconds, offset) + stepSeconds;
        var bucketCount = (int)((end - first) / stepSeconds);
        var resolution = stepSeconds >= RollupResolution.Hour ? RollupResolution.Hour : RollupResolution.Minute;

        var series = new SeriesBuilder(bucketCount);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using (var command = CreateRangeCommand(
            connection, OverviewSql.Timeline, projectId, resolution, first, end, stepSeconds, offset))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)((reader.GetInt64(0) - first) / stepSeconds);
                var environment = reader.GetString(1);
                var model = reader.GetString(2);
                series.AddSums(index, environment, model, ReadSums(reader, 3));
                var histogramOrdinal = 3 + OverviewSql.SumColumns;
                if (!reader.IsDBNull(histogramOrdinal))
                {
                    series.AddHistogram(index, environment, model, reader.GetString(histogramOrdinal));
                }
            }
        }

        var buckets = Enumerable.Range(0, bucketCount)
            .Select(i => DateTimeOffset.FromUnixTimeSeconds(first + (i * stepSeconds)))
            .ToArray();
        return series.Build(from, to, step, buckets);
    }

    /// <summary>Users, sessions and traces of the range ranked by cost, <paramref name="limit"/> of each.</summary>
    public async Task<OverviewLeaders> LeadersAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
        => new(
            await TopActorsAsync(projectId, ActorRollup.UserKind, from, to, limit, cancellationToken),
            await TopActorsAsync(projectId, ActorRollup.SessionKind, from, to, limit, cancellationToken),
            await TopTracesAsync(projectId, from, to, limit, cancellationToken));

    /// <summary>Users or sessions (<paramref name="kind"/>, an <see cref="ActorRollup"/> kind) by cost.</summary>
    /// <remarks>
    /// Up to <see cref="ExactLeaderRange"/> they are ranked from the traces of the exact range; beyond, from daily
    /// rollups, the range widened to whole UTC days (<see cref="LeadersAreWholeDays"/>).
    /// </remarks>
    public async Task<IReadOnlyList<CostLeader>> TopActorsAsync(
        string projectId,
        string kind,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100));
        if (LeadersAreWholeDays(from, to))
        {
            command.CommandText = OverviewSql.TopActors;
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue(
                "$from",
                RollupResolution.BucketOf(from.ToUnixTimeSeconds(), RollupResolution.Day));
            command.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds());
        }
        else
        {
            command.CommandText = OverviewSql.TopActorsFromTraces(
                kind == ActorRollup.UserKind ? "UserId" : "SessionId");
            command.Parameters.AddWithValue("$from", Traces.UnixNanos.FromDateTimeOffset(from));
            command.Parameters.AddWithValue("$to", Traces.UnixNanos.FromDateTimeOffset(to));
        }

        var leaders = new List<CostLeader>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leaders.Add(new CostLeader(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                ToUsd(reader.GetInt64(4))));
        }

        return leaders;
    }

    /// <summary>The traces of the range with the highest cost.</summary>
    public async Task<IReadOnlyList<TraceCostLeader>> TopTracesAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        bool byCost;
        await using (var share = connection.CreateCommand())
        {
            share.CommandText = OverviewSql.RangeShare;
            share.Parameters.AddWithValue("$project", projectId);
            share.Parameters.AddWithValue(
                "$fromHour",
                RollupResolution.BucketOf(from.ToUnixTimeSeconds(), RollupResolution.Hour));
            share.Parameters.AddWithValue("$toSeconds", to.ToUnixTimeSeconds());
            await using var counts = await share.ExecuteReaderAsync(cancellationToken);
            await counts.ReadAsync(cancellationToken);
            var inRange = counts.GetInt64(0);
            var all = counts.GetInt64(1);

            // Walking costs from the top reads about limit × all ÷ inRange entries; reading the range, inRange rows.
            byCost = inRange > 0 && (double)limit * all / inRange < inRange;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = OverviewSql.TopTraces(byCost);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$from", Traces.UnixNanos.FromDateTimeOffset(from));
        command.Parameters.AddWithValue("$to", Traces.UnixNanos.FromDateTimeOffset(to));
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100));
        var traces = new List<TraceCostLeader>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            traces.Add(new TraceCostLeader(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                Traces.UnixNanos.ToDateTimeOffset(reader.GetInt64(4)),
                reader.GetString(5),
                reader.GetInt64(6),
                (decimal)reader.GetDouble(7)));
        }

        return traces;
    }

    /// <summary>Whether <see cref="LeadersAsync"/> ranks users and sessions over whole UTC days.</summary>
    public static bool LeadersAreWholeDays(DateTimeOffset from, DateTimeOffset to) => to - from > ExactLeaderRange;

    internal static decimal ToUsd(long nanoUsd) => nanoUsd / 1_000_000_000m;

    private static long AlignDown(long unixSeconds, long step, long offset)
    {
        var local = unixSeconds + offset;
        return local - (((local % step) + step) % step) - offset;
    }

    private static long[] ReadSums(SqliteDataReader reader, int first)
    {
        var sums = new long[OverviewSql.SumColumns];
        for (var i = 0; i < sums.Length; i++)
        {
            sums[i] = reader.IsDBNull(first + i) ? 0 : reader.GetInt64(first + i);
        }

        return sums;
    }

    private static SqliteCommand CreateRangeCommand(
        SqliteConnection connection,
        string sql,
        string projectId,
        int resolution,
        long from,
        long to,
        long step,
        long offset)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$resolution", resolution);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        command.Parameters.AddWithValue("$step", step);
        command.Parameters.AddWithValue("$offset", offset);
        return command;
    }
}
