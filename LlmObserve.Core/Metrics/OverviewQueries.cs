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
                series.AddSums(index, reader.GetString(1), reader.GetString(2), ReadSums(reader, 3));
            }
        }

        await using (var command = CreateRangeCommand(
            connection, OverviewSql.Latency, projectId, resolution, first, end, stepSeconds, offset))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = (int)((reader.GetInt64(0) - first) / stepSeconds);
                series.AddLatency(
                    index,
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    reader.GetInt64(4));
            }
        }

        var buckets = Enumerable.Range(0, bucketCount)
            .Select(i => DateTimeOffset.FromUnixTimeSeconds(first + (i * stepSeconds)))
            .ToArray();
        return series.Build(from, to, step, buckets);
    }

    /// <summary>Users, sessions and traces of the range ranked by cost, <paramref name="limit"/> of each.</summary>
    /// <remarks>Users and sessions come from hourly rollups: the range is widened to whole hours.</remarks>
    public async Task<OverviewLeaders> LeadersAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, 100);
        var fromHour = RollupResolution.BucketOf(from.ToUnixTimeSeconds(), RollupResolution.Hour);
        var toSeconds = to.ToUnixTimeSeconds();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();

        var users = await ActorLeadersAsync(
            connection, projectId, ActorRollup.UserKind, fromHour, toSeconds, limit, cancellationToken);
        var sessions = await ActorLeadersAsync(
            connection, projectId, ActorRollup.SessionKind, fromHour, toSeconds, limit, cancellationToken);

        var traces = new List<TraceCostLeader>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = OverviewSql.TopTraces;
            command.Parameters.AddWithValue("$project", projectId);
            command.Parameters.AddWithValue("$from", Traces.UnixNanos.FromDateTimeOffset(from));
            command.Parameters.AddWithValue("$to", Traces.UnixNanos.FromDateTimeOffset(to));
            command.Parameters.AddWithValue("$limit", limit);
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
        }

        return new OverviewLeaders(users, sessions, traces);
    }

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

    private static async Task<IReadOnlyList<CostLeader>> ActorLeadersAsync(
        SqliteConnection connection,
        string projectId,
        string kind,
        long from,
        long to,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = OverviewSql.TopActors;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        command.Parameters.AddWithValue("$limit", limit);
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
}
