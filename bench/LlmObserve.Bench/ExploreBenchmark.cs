using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Live;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using TraceFilter = LlmObserve.Core.Traces.Queries.TraceFilter;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging.Abstractions;

using static LlmObserve.Bench.BenchHelpers;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>explore</c> command: fills a fresh store (the product's migrations, search triggers included) with many
/// traces through prepared SQLite statements in large transactions, then times what the trace explorer asks of it
/// through the product's own <see cref="TraceQueries"/>: first list pages under common filters, text search,
/// the capped count, and loading one trace of ten thousand spans.
/// </summary>
internal static class ExploreBenchmark
{
    private const string ProjectId = "bench-project";
    private const int TracesPerTransaction = 20_000;
    private const int SpansPerTrace = 5;
    private const int BigTraceSpans = 10_000;
    private const int BigTraceDepth = 100;
    private const int Runs = 40;

    // The app's default file name, so the app can open the store for the browser phase as it is.
    private const string StoreFile = "llmobserve.db";
    private const string MarkerFile = "explore-store.json";

    private static readonly string[] _names = ["chat", "rag-answer", "summarize", "classify", "agent-run", "extract"];
    private static readonly string[] _models = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "llama-3.1-70b"];

    // One trace in a thousand uses this model and carries this tag: the filters' worst case short of absent values.
    private const string RareModel = "o1-preview";
    private const string RareTag = "escalated";

    // Bumped whenever Fill changes what it writes, so a kept store of an older fill is not reused.
    private const int FillVersion = 3;

    // Scores as an evaluator sampling half the traffic writes them: groundedness (0.00 to 1.00, labelled hallucinated
    // below 0.5) on one trace in two, relevance on one in five, and a rare toxicity score on one in a thousand.
    private const string Groundedness = "groundedness";
    private const string RareScore = "toxicity";

    private static readonly string[] _words =
    [
        "account", "billing", "invoice", "password", "reset", "login", "order", "shipping", "delivery", "refund",
        "policy", "window", "days", "warranty", "return", "label", "customer", "support", "agent", "ticket",
        "error", "timeout", "retry", "network", "payment", "card", "declined", "address", "change", "update",
        "cancel", "subscription", "plan", "upgrade", "downgrade", "price", "discount", "coupon", "code", "email",
        "phone", "verify", "identity", "document", "upload", "file", "report", "export", "summary", "answer",
        "question", "please", "thanks", "help", "issue", "problem", "solved", "pending", "escalate", "manager",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ExploreArguments.Parse(args);
        var directory = options.StoreDirectory
            ?? Path.Combine(Path.GetTempPath(), "llmobserve-bench", "explore-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StoreFile);
        try
        {
            Console.WriteLine(
                $"explore: {options.Traces:N0} traces of {SpansPerTrace} spans plus one of {BigTraceSpans:N0} spans; "
                + $"{Environment.ProcessorCount} cores; store {path}");
            var dbOptions = new DbContextOptionsBuilder<LlmObserveDbContext>()
                .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString())
                .Options;
            var filled = await OpenOrFillAsync(dbOptions, directory, path, options.Traces);
            await IndexForSearchAsync(path);

            if (options.Phases.Contains("queries"))
            {
                await MeasureAsync(
                    new PooledDbContextFactory<LlmObserveDbContext>(dbOptions),
                    filled.FilledAt,
                    filled.BigTraceId);
            }

            if (options.Phases.Contains("open"))
            {
                SqliteConnection.ClearAllPools();
                await TraceOpenBenchmark.RunAsync(directory, filled.BigTraceId, options.Runs);
            }

            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (options.StoreDirectory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// A store kept by an earlier run with <c>--store</c> and the same trace count is reused (migrated to the current
    /// schema first, as the app would); otherwise a fresh one is filled, and kept when <c>--store</c> names it.
    /// </summary>
    private static async Task<FilledStore> OpenOrFillAsync(
        DbContextOptions<LlmObserveDbContext> options,
        string directory,
        string path,
        int traces)
    {
        var markerPath = Path.Combine(directory, MarkerFile);
        if (File.Exists(markerPath)
            && File.Exists(path)
            && JsonSerializer.Deserialize<FilledStore>(await File.ReadAllTextAsync(markerPath)) is { } kept
            && kept.Traces == traces
            && kept.Version == FillVersion)
        {
            var migrate = Stopwatch.StartNew();
            await using (var db = new LlmObserveDbContext(options))
            {
                await db.Database.MigrateAsync();
            }

            Console.WriteLine(
                $"fill: reused the store filled {kept.FilledAt:u} "
                + $"(migrations applied in {migrate.Elapsed.TotalSeconds:F1} s)");
            return kept;
        }

        File.Delete(markerPath);
        foreach (var file in Directory.GetFiles(directory, StoreFile + "*"))
        {
            File.Delete(file);
        }

        await CreateStoreAsync(options);
        var now = DateTimeOffset.UtcNow;
        var fill = Stopwatch.StartNew();
        var bigTraceId = Fill(path, traces, now);
        fill.Stop();
        var wal = path + "-wal";
        var size = new FileInfo(path).Length + (File.Exists(wal) ? new FileInfo(wal).Length : 0);
        Console.WriteLine(
            $"fill: {fill.Elapsed.TotalSeconds:F1} s ({traces / fill.Elapsed.TotalSeconds:N0} traces/s, "
            + $"{traces * (long)SpansPerTrace / fill.Elapsed.TotalSeconds:N0} spans/s); "
            + $"file {size / (1024.0 * 1024):N0} MB");

        var filled = new FilledStore(traces, bigTraceId, now, FillVersion);
        await File.WriteAllTextAsync(markerPath, JsonSerializer.Serialize(filled));
        return filled;
    }

    private static async Task CreateStoreAsync(DbContextOptions<LlmObserveDbContext> options)
    {
        await using var db = new LlmObserveDbContext(options);
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        db.Projects.Add(new Project { Id = ProjectId, Name = "bench", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Lets the product's span writer index the filled traces for search and build the aggregates of their scores (the
    /// triggers listed both), as it does for a store just migrated: passes of
    /// <see cref="IngestionOptions.SearchIndexMaxTraces"/> traces back to back while it is idle. Bounded in time.
    /// </summary>
    private static async Task IndexForSearchAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        long Pending(string table)
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM \"{table}\"";
            return (long)command.ExecuteScalar()!;
        }

        long ScoredPending() => Pending("ScoreRollupPending");

        var traces = Pending("TracesSearchPending");

        var scored = ScoredPending();
        var limit = TimeSpan.FromSeconds(120 + (traces / 1_000));
        TimeSpan? searched = null;
        await using (var writer = new GroupCommitSpanWriter(
            new SpanWriterConnection(connectionString),
            new LlmObserveOptions(),
            new TraceChangeNotifier(),
            TimeProvider.System,
            NullLogger<GroupCommitSpanWriter>.Instance))
        {
            writer.Start();
            while (clock.Elapsed < limit)
            {
                // A reused store was indexed by an earlier run: nothing is pending and nothing will be indexed.
                searched ??= writer.Statistics.TracesIndexed >= traces || Pending("TracesSearchPending") == 0
                    ? clock.Elapsed
                    : null;
                if (searched is not null && ScoredPending() == 0)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        Console.WriteLine(
            $"search index by the writer: {(searched ?? clock.Elapsed).TotalSeconds:F1} s; with the aggregates of "
            + $"{scored:N0} scored traces (passes in between): {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Inserts the traces (their insert trigger lists each for search indexing), their spans, their scores (whose
    /// trigger lists each scored trace for its aggregates) and the big trace; returns its id.
    /// </summary>
    private static string Fill(string path, int traces, DateTimeOffset now)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;");

        var random = new Random(42);
        var span30Days = TimeSpan.FromDays(30).Ticks * TimeSpan.NanosecondsPerTick;
        var endNanos = UnixNanos.FromDateTimeOffset(now);
        var ingested = endNanos;
        var text = new System.Text.StringBuilder();

        using var trace = connection.CreateCommand();
        trace.CommandText = """
            INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment", "Release",
                "TagsJson", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status", "InputText", "OutputText",
                "Models", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost",
                "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
            VALUES ($p, $t, $name, $session, $user, $env, $release, $tags, $start, $end, $latency, $status, $input,
                $output, $models, $in, $out, 0, 0, $total, $cost, $spans, $errors, 0, $now)
            """;
        var tp = Parameters(trace, "$p", "$t", "$name", "$session", "$user", "$env", "$release", "$tags", "$start",
            "$end", "$latency", "$status", "$input", "$output", "$models", "$in", "$out", "$total", "$cost",
            "$spans", "$errors", "$now");

        using var span = connection.CreateCommand();
        span.CommandText = """
            INSERT INTO "Spans" ("ProjectId", "TraceId", "SpanId", "ParentSpanId", "Name", "Type", "StartTimeUnixNano",
                "EndTimeUnixNano", "Status", "Model", "InputText", "OutputText", "InputTokens", "OutputTokens",
                "UsageEstimated", "CostReported", "IngestedAtUnixNano")
            VALUES ($p, $t, $s, $parent, $name, $type, $start, $end, $status, $model, $input, $output, $in, $out,
                0, 0, $now)
            """;
        var sp = Parameters(span, "$p", "$t", "$s", "$parent", "$name", "$type", "$start", "$end", "$status",
            "$model", "$input", "$output", "$in", "$out", "$now");

        using var score = connection.CreateCommand();
        score.CommandText = """
            INSERT INTO "Scores" ("ProjectId", "TraceId", "Name", "Value", "Label", "Explanation", "Source",
                "EvaluatorId", "EvaluatorVersion", "CreatedAt")
            VALUES ($p, $t, $name, $value, $label, 'bench', 'offline', $name, '1', $created)
            """;
        var scp = Parameters(score, "$p", "$t", "$name", "$value", "$label", "$created");
        var dates = new DateTimeOffsetToBinaryConverter();

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
                score.Transaction = transaction;
            }

            var traceId = RandomHex(random, 16);
            var start = endNanos - span30Days + (span30Days / traces * i) + random.Next(1_000_000);
            var latencyMs = 200 + (random.NextDouble() * random.NextDouble() * 8_000);
            var error = random.Next(100) < 3;
            var rare = random.Next(1_000) == 0;
            var model = rare ? RareModel : _models[random.Next(_models.Length)];
            var input = Words(random, text, 25);
            var output = Words(random, text, 40);
            long inTokens = random.Next(50, 3_000);
            long outTokens = random.Next(20, 800);
            Bind(tp, ProjectId, traceId, _names[random.Next(_names.Length)], "s-" + (i / 4).ToString("x", null),
                "u-" + random.Next(5_000).ToString(CultureInfo.InvariantCulture),
                random.Next(100) switch { < 80 => "production", < 95 => "staging", _ => "development" },
                "r" + (1 + (i * 12 / traces)).ToString(CultureInfo.InvariantCulture),
                rare ? $"[\"prod\",\"{RareTag}\"]" : random.Next(10) == 0 ? """["vip"]""" : """["prod"]""", start,
                start + (long)(latencyMs * 1_000_000), latencyMs, error ? "error" : "ok", input, output, model,
                inTokens, outTokens, inTokens + outTokens, (inTokens * 2.5e-6) + (outTokens * 1e-5),
                SpansPerTrace, error ? 1 : 0, ingested);
            trace.ExecuteNonQuery();

            var rootId = RandomHex(random, 8);
            for (var s = 0; s < SpansPerTrace; s++)
            {
                var generation = s == 2;
                Bind(sp, ProjectId, traceId, s == 0 ? rootId : RandomHex(random, 8), s == 0 ? null : rootId,
                    generation ? "chat " + model : "step " + s.ToString(CultureInfo.InvariantCulture),
                    generation ? SpanType.Generation : s == 0 ? SpanType.Chain : SpanType.Span,
                    start + (s * 1_000_000L), start + (s * 1_000_000L) + 500_000, error && s == 4 ? "error" : "ok",
                    generation ? model : null, s is 0 or 2 ? input : null, s is 0 or 2 ? output : null,
                    generation ? inTokens : null, generation ? outTokens : null, ingested);
                span.ExecuteNonQuery();
            }

            var created = dates.ConvertToProvider(UnixNanos.ToDateTimeOffset(start).AddSeconds(30));
            void AddScore(string name, double value, string? label)
            {
                Bind(scp, ProjectId, traceId, name, value, label, created);
                score.ExecuteNonQuery();
            }

            if (random.Next(2) == 0)
            {
                var value = random.Next(101) / 100.0;
                AddScore(Groundedness, value, value < 0.5 ? "hallucinated" : "grounded");
            }

            if (random.Next(5) == 0)
            {
                AddScore("relevance", random.Next(101) / 100.0, null);
            }

            if (random.Next(1_000) == 0)
            {
                AddScore(RareScore, random.Next(101) / 100.0, null);
            }
        }

        // One trace of ten thousand spans, a hundred levels deep: the detail page's worst case.
        var bigTraceId = RandomHex(random, 16);
        var bigStart = endNanos - 3_600_000_000_000;
        Bind(tp, ProjectId, bigTraceId, "agent-run", "s-big", "u-big", "production", "r12", """["prod"]""", bigStart,
            bigStart + 60_000_000_000, 60_000.0, "ok", "big agent run", "done", _models[0], 100_000L, 20_000L,
            120_000L, 1.2, BigTraceSpans, 0, ingested);
        trace.ExecuteNonQuery();
        var ids = new string[BigTraceSpans];
        for (var s = 0; s < BigTraceSpans; s++)
        {
            ids[s] = RandomHex(random, 8);
            var parent = s == 0 ? null : s < BigTraceDepth ? ids[s - 1] : ids[random.Next(BigTraceDepth)];
            Bind(sp, ProjectId, bigTraceId, ids[s], parent, "step " + s.ToString(CultureInfo.InvariantCulture),
                s % 5 == 0 ? SpanType.Generation : SpanType.Tool, bigStart + (s * 5_000_000L),
                bigStart + (s * 5_000_000L) + 4_000_000, "ok", s % 5 == 0 ? _models[0] : null,
                Words(random, text, 20), Words(random, text, 30), null, null, ingested);
            span.ExecuteNonQuery();
        }

        transaction?.Commit();
        transaction?.Dispose();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return bigTraceId;
    }

    private static async Task MeasureAsync(
        IDbContextFactory<LlmObserveDbContext> factory,
        DateTimeOffset now,
        string bigTraceId)
    {
        var queries = new TraceQueries(factory);

        // The baseline beside the product's plan: never starting from matches, every filter walks the sort index.
        var scanning = new TraceQueries(factory, rareSearchMatches: 0);
        var cases = new (string Name, TraceFilter Filter, TraceSort Sort)[]
        {
            ("no filter", TraceFilter.None, TraceSort.Default),
            ("status=error", new TraceFilter { Status = "error" }, TraceSort.Default),
            ("model=claude-3-5-sonnet", new TraceFilter { Model = "claude-3-5-sonnet" }, TraceSort.Default),
            ($"model={RareModel} (0.1 %)", new TraceFilter { Model = RareModel }, TraceSort.Default),
            ("model absent", new TraceFilter { Model = "no-such-model" }, TraceSort.Default),
            ("tag=vip (10 %)", new TraceFilter { Tag = "vip" }, TraceSort.Default),
            ($"tag={RareTag} (0.1 %)", new TraceFilter { Tag = RareTag }, TraceSort.Default),
            ("tag absent", new TraceFilter { Tag = "no-such-tag" }, TraceSort.Default),
            ("environment=staging", new TraceFilter { Environment = "staging" }, TraceSort.Default),
            ("session", new TraceFilter { SessionId = "s-1f00" }, TraceSort.Default),
            ("time range 24 h", new TraceFilter { From = now.AddHours(-24) }, TraceSort.Default),
            ("sort latency desc", TraceFilter.None, new TraceSort(TraceSortKey.Latency, true)),
            ("sort cost desc", TraceFilter.None, new TraceSort(TraceSortKey.Cost, true)),
            ("search 'refund'", new TraceFilter { Search = "refund" }, TraceSort.Default),
            ("search 'refund policy window'", new TraceFilter { Search = "refund policy window" }, TraceSort.Default),
            ("search 'nonexistentword'", new TraceFilter { Search = "nonexistentword" }, TraceSort.Default),
            ("search 'refund' + 24 h", new TraceFilter { Search = "refund", From = now.AddHours(-24) },
                TraceSort.Default),
            ("search 'refund', sort latency", new TraceFilter { Search = "refund" },
                new TraceSort(TraceSortKey.Latency, true)),
            ("score name (50 %)", new TraceFilter { ScoreName = Groundedness }, TraceSort.Default),
            ("score 0 to 0.3 (15 %)", new TraceFilter { ScoreName = Groundedness, MinScore = 0, MaxScore = 0.3 },
                TraceSort.Default),
            ("score 0.99 to 1 (1 %)", new TraceFilter { ScoreName = Groundedness, MinScore = 0.99, MaxScore = 1 },
                TraceSort.Default),
            ("score = 0 (0.5 %)", new TraceFilter { ScoreName = Groundedness, MaxScore = 0 }, TraceSort.Default),
            ("score label hallucinated (25 %)",
                new TraceFilter { ScoreName = Groundedness, ScoreLabel = "hallucinated" }, TraceSort.Default),
            ($"score {RareScore} (0.1 %)", new TraceFilter { ScoreName = RareScore }, TraceSort.Default),
            ("score name absent", new TraceFilter { ScoreName = "no-such-score" }, TraceSort.Default),
            ("score 0 to 0.3 + 24 h",
                new TraceFilter { ScoreName = Groundedness, MaxScore = 0.3, From = now.AddHours(-24) },
                TraceSort.Default),
            ("score 0 to 0.3 + env staging",
                new TraceFilter { ScoreName = Groundedness, MaxScore = 0.3, Environment = "staging" },
                TraceSort.Default),
            ("sort by score asc", new TraceFilter { ScoreName = Groundedness },
                new TraceSort(TraceSortKey.Score, false)),
            ("sort by score desc + 24 h", new TraceFilter { ScoreName = Groundedness, From = now.AddHours(-24) },
                new TraceSort(TraceSortKey.Score, true)),
        };

        Console.WriteLine();
        Console.WriteLine(
            $"| first page (50 rows) under        | rows | p50 ms | p95 ms | ({Runs} runs after 3 warm-up) |");
        Console.WriteLine("|-----------------------------------|------|--------|--------|");
        foreach (var (name, filter, sort) in cases)
        {
            var rows = 0;
            var times = await TimeAsync(async () =>
                rows = (await queries.ListAsync(ProjectId, filter, sort, null, 50, CancellationToken.None)).Data.Count);
            Console.WriteLine(
                $"| {name,-33} | {rows,4} | {Percentile(times, 50),6:F1} | {Percentile(times, 95),6:F1} |");
        }

        foreach (var (name, filter, sort) in cases.Where(c => c.Name.Contains("(0.1 %)") || c.Name.Contains("(1 %)")
            || c.Name.Contains("(0.5 %)") || c.Name.EndsWith("absent")))
        {
            var rows = 0;
            var times = await TimeAsync(
                async () => rows = (await scanning.ListAsync(ProjectId, filter, sort, null, 50, default)).Data.Count,
                runs: 5);
            var label = name + ", scan";
            Console.WriteLine(
                $"| {label,-33} | {rows,4} | {Percentile(times, 50),6:F1} | {Percentile(times, 95),6:F1} |");
        }

        await MeasureSearchBaselineAsync(factory);

        var page = await queries.ListAsync(ProjectId, new TraceFilter { Search = "refund" }, TraceSort.Default, null,
            50, default);
        TraceCursor.TryDecode(page.NextCursor, out var pageCursor);
        var secondPage = await TimeAsync(() => queries.ListAsync(
            ProjectId, new TraceFilter { Search = "refund" }, TraceSort.Default, pageCursor, 50, default));
        Console.WriteLine($"| search 'refund', second page      |   50 | {Percentile(secondPage, 50),6:F1} | "
            + $"{Percentile(secondPage, 95),6:F1} |");

        foreach (var (name, filter) in new[]
        {
            ("count (capped at 10,000)", TraceFilter.None),
            ("count, search 'refund'", new TraceFilter { Search = "refund" }),
            ("count, search 'refund policy window'", new TraceFilter { Search = "refund policy window" }),
        })
        {
            var countTimes = await TimeAsync(() => queries.CountAsync(ProjectId, filter, 10_000, default), runs: 10);
            Console.WriteLine($"| {name,-33} |    - | {Percentile(countTimes, 50),6:F1} | "
                + $"{Percentile(countTimes, 95),6:F1} |");
        }

        var exported = 0;
        var export = Stopwatch.StartNew();
        await foreach (var _ in queries.ExportAsync(
            ProjectId, new TraceFilter { Search = "refund policy window" }, TraceSort.Default, default))
        {
            exported++;
        }

        Console.WriteLine($"export of search 'refund policy window': {exported:N0} traces in "
            + $"{export.Elapsed.TotalSeconds:F1} s");
        var scoreFilter = new TraceFilter { ScoreName = Groundedness, MaxScore = 0.3 };
        var scoreCountTimes = await TimeAsync(() => queries.CountAsync(ProjectId, scoreFilter, 10_000, default));
        Console.WriteLine($"| count, score 0 to 0.3 (capped)    |    - | {Percentile(scoreCountTimes, 50),6:F1} | "
            + $"{Percentile(scoreCountTimes, 95),6:F1} |");

        var quality = new QualityQueries(factory, new LlmObserveOptions());
        Console.WriteLine();
        Console.WriteLine("| Quality page timeline (rollups)   | scores | p50 ms | p95 ms |");
        Console.WriteLine("|-----------------------------------|--------|--------|--------|");
        foreach (var (name, hours, split) in new (string, int, QualitySplit)[]
        {
            ("last 24 h", 24, QualitySplit.None),
            ("last 24 h by model", 24, QualitySplit.Model),
            ("last 7 days by release", 24 * 7, QualitySplit.Release),
            ("last 30 days", 24 * 30, QualitySplit.None),
            ("last 30 days by environment", 24 * 30, QualitySplit.Environment),
        })
        {
            long scores = 0;
            var times = await TimeAsync(async () =>
            {
                var timeline = await quality.TimelineAsync(
                    ProjectId, now.AddHours(-hours), now, TimeSpan.Zero, QualityFilter.None, split, default);
                scores = timeline.Scores.Sum(s => s.Total.Total.Count);
            });
            Console.WriteLine(
                $"| {name,-33} | {scores,6} | {Percentile(times, 50),6:F1} | {Percentile(times, 95),6:F1} |");
        }

        var spans = 0;
        var big = await TimeAsync(
            async () => spans = (await queries.GetAsync(ProjectId, bigTraceId, default))!.Spans.Count,
            runs: 5);
        Console.WriteLine();
        Console.WriteLine($"open the big trace ({spans:N0} spans, depth {BigTraceDepth}) via TraceQueries.GetAsync: "
            + $"p50 {Percentile(big, 50):F0} ms, max {big.Max():F0} ms");
        Console.WriteLine("targets: first page p95 < 50 ms; search < 300 ms; big trace < 1 s");
    }

    /// <summary>
    /// The plan a common search had before it read the sort order in chunks: each row asked the full-text index on
    /// its own (<c>MATCH … AND rowid = t.rowid</c>). Timed beside the product's plan, 5 runs.
    /// </summary>
    private static async Task MeasureSearchBaselineAsync(IDbContextFactory<LlmObserveDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        foreach (var words in new[] { "refund", "refund policy window" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {TraceBaselineColumns} FROM "Traces" AS t
                WHERE t."ProjectId" = $project
                    AND EXISTS (SELECT 1 FROM "TracesSearch" WHERE "TracesSearch" MATCH $match AND rowid = t.rowid)
                ORDER BY t."StartTimeUnixNano" DESC, t."TraceId" DESC LIMIT 51
                """;
            command.Parameters.AddWithValue("$project", ProjectId);
            command.Parameters.AddWithValue("$match", TraceSearchText.ToMatchQuery(words));
            var rows = 0;
            var times = await TimeAsync(
                async () =>
                {
                    rows = 0;
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        rows++;
                    }
                },
                runs: 5);
            var label = $"search '{words}', per-row check";
            Console.WriteLine(
                $"| {label,-33} | {rows - 1,4} | {Percentile(times, 50),6:F1} | {Percentile(times, 95),6:F1} |");
        }
    }

    private static async Task<List<double>> TimeAsync(Func<Task> action, int runs = Runs)
    {
        for (var i = 0; i < 3; i++)
        {
            await action();
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private static string Words(Random random, System.Text.StringBuilder text, int count)
    {
        text.Clear();
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(_words[random.Next(_words.Length)]);
        }

        return text.ToString();
    }


    private const string TraceBaselineColumns = "t.\"TraceId\", t.\"Name\", t.\"StartTimeUnixNano\", t.\"LatencyMs\"";

    /// <summary>What a filled store holds, kept beside it so a later run can reuse it.</summary>
    private sealed record FilledStore(int Traces, string BigTraceId, DateTimeOffset FilledAt, int Version);
}
