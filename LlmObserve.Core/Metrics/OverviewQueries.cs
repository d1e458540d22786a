using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// The overview dashboard's data: series over time and top lists, read from the rollups only, so a month of
/// traffic costs a few thousand rows whatever the number of traces (bench/README.md, dashboard).
/// </summary>
/// <param name="dbFactory">The store.</param>
/// <param name="filteredLeadersFromRollups">
/// Whether top users and sessions of a long range under an environment or model filter are read from the actor
/// slices (the default); false reads the range's traces, which the dashboard bench measures beside it.
/// </param>
public sealed class OverviewQueries(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    bool filteredLeadersFromRollups = true)
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
    /// A moment moved up to the next whole minute (UTC), which is how finely a range resolves: minute rollups are the
    /// finest kept, so <c>from</c> and <c>to</c> both round up and a range's totals count exactly the traces that
    /// start in it.
    /// </summary>
    public static DateTimeOffset ToWholeMinute(DateTimeOffset moment)
    {
        var ticks = moment.UtcTicks;
        var past = ticks % TimeSpan.TicksPerMinute;
        return new DateTimeOffset(past == 0 ? ticks : ticks - past + TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }

    /// <summary>Series of the whole traffic; see the overload with an <see cref="OverviewFilter"/>.</summary>
    public Task<OverviewTimeline> TimelineAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan zoneOffset,
        CancellationToken cancellationToken)
        => TimelineAsync(projectId, from, to, zoneOffset, OverviewFilter.None, cancellationToken);

    /// <summary>
    /// Series of <paramref name="projectId"/> from <paramref name="from"/> to <paramref name="to"/> (each rounded up
    /// to a whole minute, <see cref="ToWholeMinute"/>), in buckets of <see cref="StepFor"/> aligned to whole steps in
    /// the viewer's <paramref name="zoneOffset"/> (days start at the viewer's midnight), of the traffic
    /// <paramref name="filter"/> keeps.
    /// </summary>
    /// <remarks>
    /// Totals are exact to the minute: whole hours inside the range are read from hourly rollups, the ragged minutes
    /// at either end from minute rollups. A chart bucket may start before the range or end after it; it holds only
    /// what lies inside.
    /// </remarks>
    /// <exception cref="ArgumentException">The range is empty or reversed.</exception>
    public async Task<OverviewTimeline> TimelineAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan zoneOffset,
        OverviewFilter filter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        from = ToWholeMinute(from);
        to = ToWholeMinute(to);
        if (to <= from)
        {
            throw new ArgumentException("The range must end after it starts.", nameof(to));
        }

        var step = StepFor(from, to);
        var stepSeconds = (long)step.TotalSeconds;
        var offset = (long)zoneOffset.TotalSeconds;
        var fromSeconds = from.ToUnixTimeSeconds();
        var toSeconds = to.ToUnixTimeSeconds();
        var first = AlignDown(fromSeconds, stepSeconds, offset);
        var end = AlignDown(toSeconds - 1, stepSeconds, offset) + stepSeconds;
        var bucketCount = (int)((end - first) / stepSeconds);

        // Hourly rows fill the whole hours inside the range, when the chart's step is an hour or more; minute rows
        // the rest.
        var hourFrom = RollupResolution.BucketOf(fromSeconds + RollupResolution.Hour - 1, RollupResolution.Hour);
        var hourTo = RollupResolution.BucketOf(toSeconds, RollupResolution.Hour);
        if (stepSeconds < RollupResolution.Hour || hourFrom >= hourTo)
        {
            hourFrom = hourTo = toSeconds;
        }

        var series = new SeriesBuilder(bucketCount, filter.Model is not null);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = OverviewSql.Timeline(filter.Environment is not null, filter.Model is not null);
            command.Parameters.AddWithValue("$project", projectId);
            command.Parameters.AddWithValue("$from", fromSeconds);
            command.Parameters.AddWithValue("$hourFrom", hourFrom);
            command.Parameters.AddWithValue("$hourTo", hourTo);
            command.Parameters.AddWithValue("$to", toSeconds);
            command.Parameters.AddWithValue("$step", stepSeconds);
            command.Parameters.AddWithValue("$offset", offset);
            command.Parameters.AddWithValue("$environment", filter.Environment ?? string.Empty);
            command.Parameters.AddWithValue("$model", filter.Model ?? string.Empty);
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
                    series.AddExtremes(
                        index,
                        environment,
                        model,
                        reader.IsDBNull(histogramOrdinal + 1) ? null : reader.GetInt64(histogramOrdinal + 1),
                        reader.IsDBNull(histogramOrdinal + 2) ? null : reader.GetInt64(histogramOrdinal + 2));
                }
            }
        }

        var buckets = Enumerable.Range(0, bucketCount)
            .Select(i => DateTimeOffset.FromUnixTimeSeconds(first + (i * stepSeconds)))
            .ToArray();
        return series.Build(from, to, step, buckets);
    }

    /// <summary>Users, sessions and traces of the range ranked by cost, <paramref name="limit"/> of each.</summary>
    public Task<OverviewLeaders> LeadersAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
        => LeadersAsync(projectId, from, to, limit, OverviewFilter.None, cancellationToken);

    /// <summary>
    /// Users, sessions and traces of the range (rounded up to whole minutes, <see cref="ToWholeMinute"/>) ranked by
    /// cost, <paramref name="limit"/> of each, among the traces <paramref name="filter"/> keeps.
    /// </summary>
    public async Task<OverviewLeaders> LeadersAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        OverviewFilter filter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        from = ToWholeMinute(from);
        to = ToWholeMinute(to);
        return new(
            await TopActorsAsync(projectId, ActorRollup.UserKind, from, to, limit, filter, cancellationToken),
            await TopActorsAsync(projectId, ActorRollup.SessionKind, from, to, limit, filter, cancellationToken),
            await TopTracesAsync(projectId, from, to, limit, filter, cancellationToken));
    }

    /// <summary>Users or sessions by cost over all traffic; see the overload with a filter.</summary>
    public Task<IReadOnlyList<CostLeader>> TopActorsAsync(
        string projectId,
        string kind,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
        => TopActorsAsync(projectId, kind, from, to, limit, OverviewFilter.None, cancellationToken);

    /// <summary>
    /// Users or sessions (<paramref name="kind"/>, an <see cref="ActorRollup"/> kind) by cost; only those with a
    /// known cost above zero, so one whose calls were all unpriced is never listed at $0.
    /// </summary>
    /// <remarks>
    /// Up to <see cref="ExactLeaderRange"/> they are ranked from the traces of the range; beyond, whole UTC days
    /// inside the range are read from daily rollups (with a filter, the actor slices of that environment and model)
    /// and the ragged ends from the traces, so the range is exact either way.
    /// </remarks>
    public async Task<IReadOnlyList<CostLeader>> TopActorsAsync(
        string projectId,
        string kind,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        OverviewFilter filter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        var column = kind == ActorRollup.UserKind ? "UserId" : "SessionId";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100));
        command.Parameters.AddWithValue("$from", Traces.UnixNanos.FromDateTimeOffset(from));
        command.Parameters.AddWithValue("$to", Traces.UnixNanos.FromDateTimeOffset(to));
        AddFilter(command, filter);
        var fromSeconds = from.ToUnixTimeSeconds();
        var dayFrom = RollupResolution.BucketOf(fromSeconds + RollupResolution.Day - 1, RollupResolution.Day);
        var dayTo = RollupResolution.BucketOf(to.ToUnixTimeSeconds(), RollupResolution.Day);
        if (LeadersAreWholeDays(from, to) && dayFrom < dayTo && (filter.IsEmpty || filteredLeadersFromRollups))
        {
            command.CommandText = filter.IsEmpty
                ? OverviewSql.TopActorsFromDaysAndEdges(column)
                : OverviewSql.TopActorsFromSlicesAndEdges(column, filter);
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue("$sliceModel", filter.Model ?? MetricRollup.AllModels);
            command.Parameters.AddWithValue("$dayFrom", dayFrom);
            command.Parameters.AddWithValue("$dayTo", dayTo);
            command.Parameters.AddWithValue("$dayFromNanos", dayFrom * 1_000_000_000);
            command.Parameters.AddWithValue("$dayToNanos", dayTo * 1_000_000_000);
        }
        else
        {
            command.CommandText = OverviewSql.TopActorsFromTraces(column, filter);
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

    /// <summary>The costliest traces of the range over all traffic; see the overload with a filter.</summary>
    public Task<IReadOnlyList<TraceCostLeader>> TopTracesAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        CancellationToken cancellationToken)
        => TopTracesAsync(projectId, from, to, limit, OverviewFilter.None, cancellationToken);

    /// <summary>The traces of the range with the highest cost, among those <paramref name="filter"/> keeps.</summary>
    public async Task<IReadOnlyList<TraceCostLeader>> TopTracesAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        int limit,
        OverviewFilter filter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
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
        command.CommandText = OverviewSql.TopTraces(byCost, filter);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$from", Traces.UnixNanos.FromDateTimeOffset(from));
        command.Parameters.AddWithValue("$to", Traces.UnixNanos.FromDateTimeOffset(to));
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100));
        AddFilter(command, filter);
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
                (decimal)reader.GetDouble(7),
                reader.GetBoolean(8)));
        }

        return traces;
    }

    /// <summary>Whether users and sessions of a range are ranked from daily rollups and edge traces.</summary>
    public static bool LeadersAreWholeDays(DateTimeOffset from, DateTimeOffset to) => to - from > ExactLeaderRange;

    internal static decimal ToUsd(long nanoUsd) => nanoUsd / 1_000_000_000m;

    /// <summary>
    /// The start of the step holding a moment, steps aligned to whole steps in the zone of <paramref name="offset"/>.
    /// </summary>
    internal static long AlignDown(long unixSeconds, long step, long offset)
    {
        var local = unixSeconds + offset;
        return local - (((local % step) + step) % step) - offset;
    }

    private static void AddFilter(SqliteCommand command, OverviewFilter filter)
    {
        command.Parameters.AddWithValue("$environment", filter.Environment ?? string.Empty);
        command.Parameters.AddWithValue("$model", filter.Model ?? string.Empty);
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
}
