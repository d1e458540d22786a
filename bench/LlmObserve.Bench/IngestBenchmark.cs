using System.Diagnostics;
using System.Globalization;
using System.Net;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// <c>ingest</c>: the raw SQLite ceiling, then the durable writer in process, then the real app over OTLP/HTTP on
/// loopback, each at full speed and at half of its own full-speed rate, paced, for acknowledgement latency.
/// </summary>
internal static class IngestBenchmark
{
    private const string ProjectPublicKey = "pk-lo-bench";
    private const string ProjectSecretKey = "sk-lo-bench-0123456789abcdef";
    private const int MaxInFlight = 256;

    // Warm-up runs in rounds until a round compiles few methods: on two busy cores the tier-up of the framework's
    // ready-to-run code and the PGO re-jits go on for 10 to 30 s, and a phase still compiling measures start-up.
    private static readonly TimeSpan WarmupRound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(40);
    private const int SettledJitMethodsPerRound = 20;

    public static async Task<int> RunAsync(BenchArguments options)
    {
        var root = Path.Combine(Path.GetTempPath(), "llmobserve-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var spansPerBatch = options.BatchTraces * TraceWorkload.SpansPerTrace;
        var baseTime = (DateTimeOffset.UtcNow.AddDays(-1) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var table = new ResultTable();

        var sample = new TraceWorkload(0, baseTime);
        var otlpKb = sample.ToOtlpProtobuf(sample.Next(options.BatchTraces)).Length / 1024;
        var pageSize = options.PageSize?.ToString(CultureInfo.InvariantCulture) ?? "default";
        Console.WriteLine(
            $"ingest: {options.Seconds} s and at most {options.Traces} traces per phase; {options.Senders} senders; " +
            $"{options.BatchTraces} traces ({spansPerBatch} spans, {otlpKb} KB as OTLP protobuf) per batch; " +
            $"synchronous={options.Synchronous}; page size {pageSize}; " +
            (options.LateRoots ? "roots one batch after their children; " : string.Empty) +
            (options.Redact ? "every redaction detector on; " : string.Empty) +
            $"{Environment.ProcessorCount} cores");

        try
        {
            if (options.Phases.Contains("raw"))
            {
                Console.WriteLine("(a) raw SQLite baseline …");
                table.AddRaw("(a) raw SQLite, before", RunRaw(Path.Combine(root, "raw"), options, baseTime));
            }

            if (options.Phases.Contains("writer"))
            {
                Console.WriteLine("writer in process (ISpanWriter, no HTTP) …");
                await RunWriterAsync(Path.Combine(root, "writer"), options, baseTime, table);
            }

            if (options.Phases.Contains("http"))
            {
                Console.WriteLine("(b)/(c) OTLP/HTTP protobuf to the real app on 127.0.0.1 …");
                await RunHttpAsync(Path.Combine(root, "http"), options, baseTime, table);
            }

            // The disk's speed wanders by 20 % over a minute on these machines; a second raw run after the app's
            // phases, with the ratios taken over the mean of both, keeps one lucky or unlucky raw run from setting
            // every ratio.
            var appPhases = options.Phases.Contains("writer") || options.Phases.Contains("http");
            if (options.Phases.Contains("raw") && appPhases)
            {
                Console.WriteLine("(a) raw SQLite baseline again …");
                table.AddRaw("(a) raw SQLite, after", RunRaw(Path.Combine(root, "raw-after"), options, baseTime));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TryDelete(root);
        }

        table.Print(options.RawSpansPerTransaction);
        Console.WriteLine("targets: OTLP/HTTP full speed >= 0.7 x raw; ack p99 < 50 ms at half load");
        return 0;
    }

    private static LoadResult RunRaw(string directory, BenchArguments options, long baseTime)
        => RawSqliteBaseline.Run(
            Directory.CreateDirectory(directory).FullName,
            options.PageSize,
            options.Synchronous,
            new TraceWorkload(1, baseTime, options.LateRoots),
            options.RawSpansPerTransaction,
            TimeSpan.FromSeconds(options.Seconds),
            options.Traces);

    private static async Task RunWriterAsync(
        string dataDirectory,
        BenchArguments options,
        long baseTime,
        ResultTable table)
    {
        await using var app = await StartAppAsync(dataDirectory, options);
        var writer = app.Services.GetRequiredService<ISpanWriter>();
        var statistics = app.Services.GetRequiredService<GroupCommitSpanWriter>();
        var workload = new TraceWorkload(2, baseTime, options.LateRoots);
        var target = new WriterTarget(writer, workload, "bench");

        await WarmUpAsync(target, workload, options);
        var before = statistics.Statistics;
        var full = await LoadDriver.FullSpeedAsync(
            target,
            workload,
            options.Senders,
            options.BatchTraces,
            TimeSpan.FromSeconds(options.Seconds),
            options.Traces);
        var after = statistics.Statistics;
        table.Add("writer in process, full speed", full, SpansPerTransaction(before, after), ratio: true);

        var half = await RunPacedAsync(target, workload, options, full.SpansPerSecond / 2);
        var end = statistics.Statistics;
        table.Add("writer in process, half load (paced)", half, SpansPerTransaction(after, end));

        // Stopped before it is disposed, so its scheduler does not fire jobs into a disposed container.
        await app.StopAsync();
    }

    private static async Task RunHttpAsync(
        string dataDirectory,
        BenchArguments options,
        long baseTime,
        ResultTable table)
    {
        await using var app = await StartAppAsync(dataDirectory, options);
        var statistics = app.Services.GetRequiredService<GroupCommitSpanWriter>();
        const string via = "OTLP/HTTP protobuf";
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxInFlight,
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = new Uri(app.Urls.First()),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var workload = new TraceWorkload(3, baseTime, options.LateRoots);
        var target = new OtlpHttpTarget(client, workload, ProjectSecretKey);

        var probe = await target.ProbeAsync(workload.Next(1), CancellationToken.None);
        if (probe != HttpStatusCode.OK)
        {
            table.Skip(
                "OTLP/HTTP full speed and half load",
                $"POST /v1/traces answered {(int)probe} {probe}: endpoint or key set-up not available yet");
            return;
        }

        var warmup = await WarmUpAsync(target, workload, options);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var fullBatches = PrebuildFor(target, workload, options, warmup.SpansPerSecond * 1.5, duration);
        var before = statistics.Statistics;
        var full = await LoadDriver.FullSpeedAsync(
            target,
            workload,
            options.Senders,
            options.BatchTraces,
            duration,
            options.Traces,
            fullBatches);
        var after = statistics.Statistics;
        table.Add($"(b) {via}, full speed{BuiltText(options)}", full, SpansPerTransaction(before, after), ratio: true);

        var halfBatches = PrebuildFor(target, workload, options, full.SpansPerSecond / 2, duration);
        var half = await RunPacedAsync(target, workload, options, full.SpansPerSecond / 2, halfBatches);
        var end = statistics.Statistics;
        var label = $"(c) {via}, half load (paced){BuiltText(options)}";
        table.Add(label, half, SpansPerTransaction(after, end));
        await app.StopAsync();
    }

    /// <summary>
    /// Full speed, unmeasured, for <c>--warmup</c> seconds when given, otherwise in rounds until the JIT settles (at
    /// most 40 s); returns the last round, whose rate sizes the prebuilt requests.
    /// </summary>
    private static async Task<LoadResult> WarmUpAsync(
        IIngestTarget target,
        TraceWorkload workload,
        BenchArguments options)
    {
        // A fixed warm-up is one round of that length.
        var fixedLength = options.WarmupSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var length = fixedLength ?? WarmupRound;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var round = await LoadDriver.FullSpeedAsync(
                target,
                workload,
                options.Senders,
                options.BatchTraces,
                length,
                options.Traces);
            var settled = round.Gc!.JitMethods <= SettledJitMethodsPerRound;
            if (fixedLength is not null || settled || clock.Elapsed >= MaxWarmup)
            {
                var note = fixedLength is not null || settled ? string.Empty : "; stopped at the limit, not settled";
                Console.WriteLine(
                    $"warm-up: {clock.Elapsed.TotalSeconds:F0} s, last {length.TotalSeconds:F0} s round "
                    + $"compiled {round.Gc.JitText}{note}");
                return round;
            }
        }
    }

    private static Task<LoadResult> RunPacedAsync(
        IIngestTarget target,
        TraceWorkload workload,
        BenchArguments options,
        double spansPerSecond,
        PreparedBatches? prebuilt = null)
    {
        return LoadDriver.PacedAsync(
            target,
            workload,
            BatchesPerSecond(options, spansPerSecond),
            options.BatchTraces,
            TimeSpan.FromSeconds(options.Seconds),
            options.Traces,
            MaxInFlight,
            prebuilt);
    }

    private static double BatchesPerSecond(BenchArguments options, double spansPerSecond)
        => Math.Max(1, spansPerSecond / (options.BatchTraces * TraceWorkload.SpansPerTrace));

    /// <summary>
    /// Renders, before the phase, as many requests as <paramref name="spansPerSecond"/> needs for the phase (the
    /// trace cap bounds it): the OTLP rows then time the server, not the load generator's protobuf building.
    /// </summary>
    private static PreparedBatches? PrebuildFor(
        IIngestTarget target,
        TraceWorkload workload,
        BenchArguments options,
        double spansPerSecond,
        TimeSpan duration)
    {
        if (options.BuildDuringLoad)
        {
            return null;
        }

        var wanted = (long)Math.Ceiling(BatchesPerSecond(options, spansPerSecond) * duration.TotalSeconds);
        var count = Math.Clamp(wanted, 1, Math.Max(1, options.Traces / options.BatchTraces));
        var batches = PreparedBatches.Build(target, workload, options.BatchTraces, count);
        GC.Collect();
        return batches;
    }

    private static string BuiltText(BenchArguments options)
        => options.BuildDuringLoad ? ", built while sending" : string.Empty;

    private static async Task<WebApplication> StartAppAsync(
        string dataDirectory,
        BenchArguments options)
    {
        Directory.CreateDirectory(dataDirectory);
        RawSqliteBaseline.CreateDatabase(Path.Combine(dataDirectory, "llmobserve.db"), options.PageSize);
        var app = LlmObserveApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--LlmObserve:DataDirectory", dataDirectory,
            "--LlmObserve:Storage:Synchronous", options.Synchronous,
            "--LlmObserve:Init:PublicKey", ProjectPublicKey,
            "--LlmObserve:Init:SecretKey", ProjectSecretKey,

            // Ingestion alone: the evaluation job would load its models and score the bench's traces mid-run, and the
            // feature and feedback inference jobs would embed their texts with MiniLM on the same two cores.
            "--LlmObserve:Evaluation:Enabled", "false",
            "--LlmObserve:Drift:Features:Enabled", "false",
            "--LlmObserve:Feedback:InferenceEnabled", "false",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles", "Error",
        ]);
        await app.StartAsync();
        if (options.Redact)
        {
            var projectId = await app.Services.GetRequiredService<TraceQueries>().FirstProjectIdAsync(default)
                ?? throw new InvalidOperationException("The bench project was not created.");
            var request = new RedactionSettingsRequest([.. BuiltInDetectors.All], []);
            var (_, errors) = await app.Services.GetRequiredService<RedactionSettingsService>()
                .SetAsync(projectId, request, default);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException(errors[0].Message);
            }
        }

        return app;
    }

    private static double? SpansPerTransaction(GroupCommitStatistics before, GroupCommitStatistics after)
    {
        var transactions = after.TransactionsCommitted - before.TransactionsCommitted;
        return transactions == 0 ? null : (double)(after.SpansWritten - before.SpansWritten) / transactions;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            Console.Error.WriteLine($"could not delete {directory}");
        }
    }

    private sealed class ResultTable
    {
        private static readonly string[] Header =
        [
            "phase", "spans/s", "x raw", "ack p50 ms", "ack p99 ms", "spans/tx", "refused", "failed",
            "GC 0/1/2 (pause)", "JIT methods (time)",
        ];

        private readonly List<Row> _rows = [];
        private readonly List<string> _notes = [];

        public void AddRaw(string phase, LoadResult result) => _rows.Add(new Row(phase, result, null, Raw: true));

        // Only full-speed rows get a ratio: paced rows run at a rate the bench chose.
        public void Add(string phase, LoadResult result, double? spansPerTx, bool ratio = false)
            => _rows.Add(new Row(phase, result, spansPerTx, Raw: false, Ratio: ratio));

        public void Skip(string phase, string reason)
        {
            _rows.Add(new Row(phase, null, null, Raw: false));
            _notes.Add($"{phase}: {reason}");
        }

        public void Print(int rawSpansPerTransaction)
        {
            var raws = _rows.Where(r => r.Raw && r.Result is not null).Select(r => r.Result!.SpansPerSecond).ToList();
            var rawRate = raws.Count == 0 ? double.NaN : raws.Average();
            var cells = new List<string[]> { Header };
            cells.AddRange(_rows.Select(r => Cells(r, rawRate, rawSpansPerTransaction)));

            var widths = Enumerable.Range(0, Header.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();
            Console.WriteLine();
            for (var r = 0; r < cells.Count; r++)
            {
                var padded = cells[r].Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
                Console.WriteLine("| " + string.Join(" | ", padded) + " |");
                if (r == 0)
                {
                    Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
                }
            }

            if (raws.Count > 1)
            {
                Console.WriteLine(
                    $"x raw: over the mean of the {raws.Count} raw runs, " +
                    $"{rawRate.ToString("N0", CultureInfo.InvariantCulture)} spans/s " +
                    $"(one prepared INSERT, {rawSpansPerTransaction} spans/tx)");
            }

            foreach (var note in _notes)
            {
                Console.WriteLine("note: " + note);
            }
        }

        private static string[] Cells(Row row, double rawRate, int rawSpansPerTransaction)
        {
            if (row.Result is not { } result)
            {
                return [row.Phase, "skipped", "-", "-", "-", "-", "-", "-", "-", "-"];
            }

            return
            [
                row.Phase,
                result.SpansPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                (row.Raw || row.Ratio) && !double.IsNaN(rawRate)
                    ? (result.SpansPerSecond / rawRate).ToString("F2", CultureInfo.InvariantCulture)
                    : "-",
                Format(result.Percentile(50)),
                Format(result.Percentile(99)),
                (row.Raw ? rawSpansPerTransaction : row.SpansPerTx)
                    ?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                result.Refused.ToString(CultureInfo.InvariantCulture),
                result.Failed.ToString(CultureInfo.InvariantCulture),
                result.Gc?.ToString() ?? "-",
                result.Gc?.JitText ?? "-",
            ];
        }

        private static string Format(double value)
            => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);

        private sealed record Row(string Phase, LoadResult? Result, double? SpansPerTx, bool Raw, bool Ratio = false);
    }
}
