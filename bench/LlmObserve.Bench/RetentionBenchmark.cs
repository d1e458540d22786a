using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// <c>purge</c>: OTLP/HTTP ingestion at a fixed paced rate, alternately alone (A) and while the retention purge
/// removes a store of old traces (B), so the purge's cost to acknowledgement latency is read side by side.
/// </summary>
internal static class RetentionBenchmark
{
    private const string PublicKey = "pk-lo-bench-purge";
    private const string SecretKey = "sk-lo-bench-purge-0123456789abcdef";
    private const int TracesPerBatch = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var oldTraces = Option(args, "--old-traces", 20_000);
        var seconds = Option(args, "--seconds", 10);
        var batchesPerSecond = Option(args, "--batches-per-second", 20);
        var rounds = Option(args, "--rounds", 2);
        var batchTraces = Option(args, "--purge-batch", 100);
        var root = Path.Combine(Path.GetTempPath(), "llmobserve-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Console.WriteLine(
            $"purge: {rounds} rounds of A (ingestion alone) and B (ingestion while {oldTraces} old traces, "
            + $"{oldTraces * TraceWorkload.SpansPerTrace} spans, are purged {batchTraces} traces per transaction); "
            + $"{seconds} s per phase at {batchesPerSecond} requests/s of {TracesPerBatch} traces; "
            + $"{Environment.ProcessorCount} cores");
        try
        {
            await using var app = await StartAsync(root, batchTraces);
            var projectId = await app.Services.GetRequiredService<TraceQueries>().FirstProjectIdAsync(default)
                ?? throw new InvalidOperationException("The bench project was not created.");
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var now = DateTimeOffset.UtcNow;
            var live = new TraceWorkload(11, Nanos(now.AddHours(-1)));
            var http = new OtlpHttpTarget(client, live, SecretKey);
            var writer = app.Services.GetRequiredService<ISpanWriter>();
            var purger = app.Services.GetRequiredService<RetentionPurger>();

            Console.WriteLine("| round | phase | acked spans/s | p50 ms | p99 ms | max ms | refused | purge |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            for (var round = 1; round <= rounds; round++)
            {
                var old = new TraceWorkload(100 + round, Nanos(now.AddDays(-90)));
                await LoadDriver.FullSpeedAsync(
                    new WriterTarget(writer, old, projectId),
                    old,
                    senders: 4,
                    TracesPerBatch,
                    TimeSpan.FromMinutes(10),
                    oldTraces);

                var alone = await PhaseAsync(http, live, batchesPerSecond, seconds);
                Row(round, "A alone", alone, "–");

                var clock = Stopwatch.StartNew();
                var purge = Task.Run(() => purger.PurgeAsync(projectId, now.AddDays(-30), CancellationToken.None));
                var during = await PhaseAsync(http, live, batchesPerSecond, seconds);
                var purgedWithin = purge.IsCompleted ? clock.Elapsed : (TimeSpan?)null;
                var report = await purge;
                var took = purgedWithin ?? clock.Elapsed;
                Row(
                    round,
                    "B with purge",
                    during,
                    $"{report.Traces} traces in {took.TotalSeconds:F1} s"
                    + (purgedWithin is null ? " (outlasted the phase)" : string.Empty));
            }

            await app.StopAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is cleaned by the OS.
            }
        }
    }

    private static Task<LoadResult> PhaseAsync(
        OtlpHttpTarget target,
        TraceWorkload workload,
        int batchesPerSecond,
        int seconds)
        => LoadDriver.PacedAsync(
            target,
            workload,
            batchesPerSecond,
            TracesPerBatch,
            TimeSpan.FromSeconds(seconds),
            long.MaxValue,
            maxInFlight: 256);

    private static void Row(int round, string phase, LoadResult result, string purge)
        => Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {round} | {phase} | {result.SpansPerSecond:F0} | {result.Percentile(50):F1} | "
            + $"{result.Percentile(99):F1} | {result.Percentile(100):F1} | {result.Refused} | {purge} |"));

    private static long Nanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length
            ? int.Parse(args[index + 1], CultureInfo.InvariantCulture)
            : fallback;
    }

    private static async Task<WebApplication> StartAsync(string dataDirectory, int batchTraces)
    {
        var app = LlmObserveApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--LlmObserve:DataDirectory", dataDirectory,
            "--LlmObserve:Init:PublicKey", PublicKey,
            "--LlmObserve:Init:SecretKey", SecretKey,
            "--LlmObserve:Evaluation:Enabled", "false",
            "--LlmObserve:Drift:Features:Enabled", "false",
            "--LlmObserve:Feedback:InferenceEnabled", "false",
            "--LlmObserve:Retention:BatchTraces", batchTraces.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        return app;
    }
}
