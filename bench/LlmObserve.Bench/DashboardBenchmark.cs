using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

using static LlmObserve.Bench.BenchHelpers;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>dashboard</c> command: fills a fresh store with traces over 30 days (one generation span each, with
/// model, environment, user, session, tokens and cost), builds their rollups through the product's
/// <see cref="RollupMaintainer"/> (timed: the per-trace cost the writer pays to keep them), then times what the
/// overview asks for through the product's <see cref="OverviewQueries"/> and <see cref="PrometheusExposition"/>.
/// </summary>
internal static class DashboardBenchmark
{
    private const string ProjectId = "bench-project";
    private const int TracesPerTransaction = 20_000;
    private const int RollupBatch = 2_000;
    private const int Runs = 20;

    private static readonly string[] _models =
        ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash", "mistral-large", "text-embedding-3-small"];

    private static readonly string[] _environments = ["production", "staging", "development"];

    public static async Task<int> RunAsync(string[] args)
    {
        var traces = 1_000_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--traces")
            {
                traces = Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 1_000, 5_000_000);
            }
        }

        var directory = Path.Combine(
            Path.GetTempPath(), "llmobserve-bench", "dashboard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "dashboard.db");
        try
        {
            Console.WriteLine($"dashboard: {traces:N0} traces over 30 days; {Environment.ProcessorCount} cores");
            var options = new DbContextOptionsBuilder<LlmObserveDbContext>()
                .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString())
                .Options;
            await using (var db = new LlmObserveDbContext(options))
            {
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                db.Projects.Add(new Project { Id = ProjectId, Name = "bench", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }

            var now = DateTimeOffset.UtcNow;
            var fill = Stopwatch.StartNew();
            var ids = Fill(path, traces, now);
            Console.WriteLine(
                $"fill: {fill.Elapsed.TotalSeconds:F1} s ({traces / fill.Elapsed.TotalSeconds:N0} traces/s)");

            var rollup = Stopwatch.StartNew();
            BuildRollups(path, ids);
            Console.WriteLine(
                $"rollups: {rollup.Elapsed.TotalSeconds:F1} s ({traces / rollup.Elapsed.TotalSeconds:N0} traces/s "
                + $"through RollupMaintainer in transactions of {RollupBatch:N0})");

            await MeasureAsync(new PooledDbContextFactory<LlmObserveDbContext>(options), now);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<string> Fill(string path, int traces, DateTimeOffset now)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;");

        var random = new Random(7);
        var span30Days = TimeSpan.FromDays(30).Ticks * TimeSpan.NanosecondsPerTick;
        var endNanos = UnixNanos.FromDateTimeOffset(now);
        var ids = new List<string>(traces);

        using var trace = connection.CreateCommand();
        trace.CommandText = """
            INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment",
                "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status", "Models", "InputTokens",
                "OutputTokens", "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost", "SpanCount", "ErrorCount",
                "RootMissing", "UpdatedAtUnixNano")
            VALUES ($p, $t, 'chat', $session, $user, $env, $start, $end, $latency, $status, $model, $in, $out, 0, 0,
                $total, $cost, 1, $errors, 0, $end)
            """;
        var tp = Parameters(trace, "$p", "$t", "$session", "$user", "$env", "$start", "$end", "$latency",
            "$status", "$model", "$in", "$out", "$total", "$cost", "$errors");

        using var span = connection.CreateCommand();
        span.CommandText = """
            INSERT INTO "Spans" ("ProjectId", "TraceId", "SpanId", "Name", "Type", "StartTimeUnixNano",
                "EndTimeUnixNano", "Status", "Model", "InputTokens", "OutputTokens", "TotalTokens", "Cost",
                "UsageEstimated", "CostReported", "IngestedAtUnixNano")
            VALUES ($p, $t, $s, 'chat', 'generation', $start, $end, $status, $model, $in, $out, $total, $cost, 0, 0,
                $end)
            """;
        var sp = Parameters(span, "$p", "$t", "$s", "$start", "$end", "$status", "$model", "$in", "$out", "$total",
            "$cost");

        SqliteTransaction? transaction = null;
        for (var i = 0; i < traces; i++)
        {
            if (i % TracesPerTransaction == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                trace.Transaction = transaction;
                span.Transaction = transaction;
            }

            var traceId = RandomHex(random, 16);
            ids.Add(traceId);
            var start = endNanos - span30Days + (span30Days / traces * i) + random.Next(1_000_000);
            var latencyMs = 200 + (random.NextDouble() * random.NextDouble() * 8_000);
            var end = start + (long)(latencyMs * 1_000_000);
            var error = random.Next(100) < 3;
            var model = _models[random.Next(_models.Length)];
            long inTokens = random.Next(50, 3_000);
            long outTokens = random.Next(20, 800);
            var cost = model == "mistral-large" ? (double?)null : (inTokens * 2.5e-6) + (outTokens * 1e-5);
            var status = error ? "error" : "ok";
            Bind(tp, ProjectId, traceId, "s-" + (i / 5).ToString("x", CultureInfo.InvariantCulture),
                "u-" + random.Next(5_000).ToString(CultureInfo.InvariantCulture),
                _environments[random.Next(100) switch { < 80 => 0, < 95 => 1, _ => 2 }], start, end, latencyMs,
                status, model, inTokens, outTokens, inTokens + outTokens, cost, error ? 1 : 0);
            trace.ExecuteNonQuery();
            Bind(sp, ProjectId, traceId, RandomHex(random, 8), start, end, status, model, inTokens, outTokens,
                inTokens + outTokens, cost);
            span.ExecuteNonQuery();
        }

        transaction?.Commit();
        transaction?.Dispose();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return ids;
    }

    private static void BuildRollups(string path, List<string> ids)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
        using var maintainer = new RollupMaintainer(connection);
        for (var i = 0; i < ids.Count; i += RollupBatch)
        {
            using var transaction = connection.BeginTransaction();
            maintainer.Apply(
                transaction,
                ids.Skip(i).Take(RollupBatch).Select(id => (ProjectId, id)));
            transaction.Commit();
        }

        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private static async Task MeasureAsync(IDbContextFactory<LlmObserveDbContext> factory, DateTimeOffset now)
    {
        var queries = new OverviewQueries(factory);
        var exposition = new PrometheusExposition(factory);
        var cases = new (string Name, Func<Task> Run)[]
        {
            ("timeline 30 days (6 h buckets)", () => queries.TimelineAsync(
                ProjectId, now.AddDays(-30), now, TimeSpan.Zero, default)),
            ("timeline 7 days (1 h buckets)", () => queries.TimelineAsync(
                ProjectId, now.AddDays(-7), now, TimeSpan.Zero, default)),
            ("timeline 24 hours (15 min buckets)", () => queries.TimelineAsync(
                ProjectId, now.AddDays(-1), now, TimeSpan.Zero, default)),
            ("top users 30 days", () => queries.TopActorsAsync(
                ProjectId, ActorRollup.UserKind, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, default)),
            ("top sessions 30 days", () => queries.TopActorsAsync(
                ProjectId, ActorRollup.SessionKind, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, default)),
            ("top traces 30 days", () => queries.TopTracesAsync(
                ProjectId, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, default)),
            ("top users, sessions, traces 24 hours", () => queries.LeadersAsync(
                ProjectId, now.AddDays(-1), now, OverviewQueries.DefaultLeaders, default)),
            ("/metrics exposition", () => exposition.WriteAsync(TextWriter.Null, ProjectId, default)),
        };
        var fromTraces = new OverviewQueries(factory, filteredLeadersFromRollups: false);
        cases = [.. cases, .. FilteredCases(queries, fromTraces, now)];
        foreach (var filter in (OverviewFilter[])[new("staging", null), new(null, "gpt-4o")])
        {
            var sliced = await queries.TopActorsAsync(
                ProjectId, ActorRollup.SessionKind, now.AddDays(-30), now, 50, filter, default);
            var scanned = await fromTraces.TopActorsAsync(
                ProjectId, ActorRollup.SessionKind, now.AddDays(-30), now, 50, filter, default);
            Console.WriteLine(
                $"check: top 50 sessions under {filter} from slices equal those from every trace: "
                + (sliced.SequenceEqual(scanned) ? "yes" : "NO"));
        }


        var check = await queries.TimelineAsync(ProjectId, now.AddDays(-31), now.AddMinutes(1), TimeSpan.Zero, default);
        Console.WriteLine($"check: timeline over 31 days counts {check.Total.Total.Requests:N0} requests");
        Console.WriteLine($"{"query",-52} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
        foreach (var (name, run) in cases)
        {
            var times = await TimeAsync(run);
            Console.WriteLine(
                $"{name,-52} {Percentile(times, 50),8:F1} {Percentile(times, 95),8:F1} {times.Max(),8:F1}");
        }

        Console.WriteLine("target: each chart's aggregates for 30 days < 200 ms");
    }

    /// <summary>
    /// The top lists under the overview's environment and model filters over 30 days, a common and a rare value of
    /// each: users and sessions as the product reads them (whole days from the actor slices, the ragged ends from
    /// the traces), and as before the slices, from every trace of the range (<paramref name="fromTraces"/>).
    /// </summary>
    private static IEnumerable<(string Name, Func<Task> Run)> FilteredCases(
        OverviewQueries queries,
        OverviewQueries fromTraces,
        DateTimeOffset now)
    {
        (string Label, OverviewFilter Filter)[] filters =
        [
            ("env=production (80 %)", new OverviewFilter("production", null)),
            ("env=development (5 %)", new OverviewFilter("development", null)),
            ("model=gpt-4o (1/6)", new OverviewFilter(null, "gpt-4o")),
            ("env=staging, model=gpt-4o", new OverviewFilter("staging", "gpt-4o")),
        ];
        foreach (var (label, filter) in filters)
        {
            foreach (var (kind, name) in ((string, string)[])
                [(ActorRollup.UserKind, "users"), (ActorRollup.SessionKind, "sessions")])
            {
                yield return ($"top {name} 30 d, {label}", () => queries.TopActorsAsync(
                    ProjectId, kind, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, filter, default));
                yield return ($"  same, from every trace (before)", () => fromTraces.TopActorsAsync(
                    ProjectId, kind, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, filter, default));
            }

            yield return ($"top traces 30 d, {label}", () => queries.TopTracesAsync(
                ProjectId, now.AddDays(-30), now, OverviewQueries.DefaultLeaders, filter, default));
        }
    }

    private static async Task<List<double>> TimeAsync(Func<Task> action)
    {
        for (var i = 0; i < 3; i++)
        {
            await action();
        }

        var times = new List<double>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }
}
