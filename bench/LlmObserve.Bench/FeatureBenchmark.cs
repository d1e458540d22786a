using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>features</c> command: how many traces per second get their drift features. First in process on one
/// thread (the extractor alone, and MiniLM's share of it); then end to end in the real app, traces posted to
/// <c>/api/ingest</c> and featured by the Quartz job, the evaluation job off.
/// </summary>
internal static class FeatureBenchmark
{
    private const string PublicKey = "pk-lo-bench-features";
    private const string SecretKey = "sk-lo-bench-features-0123456789";
    private const int WarmUpTraces = 5;
    private const int BatchTraces = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var traces = Math.Clamp(Int(values, "traces", 500), 1, 5000);
        var concurrency = Math.Clamp(Int(values, "concurrency", 1), 1, 8);
        var examples = EvaluationBenchmark.HaluEval.Load(
            values.GetValueOrDefault("data") ?? EvaluationBenchmark.HaluEval.DefaultPath());
        Console.WriteLine(
            $"features: {examples.Count} HaluEval questions and answers; {Environment.ProcessorCount} cores");

        InProcess(examples, traces);
        await JobAsync(examples, traces, concurrency);
        return 0;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback)
        => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static void InProcess(List<(string Question, string Answer, string Knowledge)> examples, int traces)
    {
        using var catalog = new OfflineEvaluatorCatalog();
        var loading = Stopwatch.StartNew();
        var extractor = new TraceFeatureExtractor(catalog.Embedder, catalog.Languages);
        Console.WriteLine($"extract: models loaded in {loading.Elapsed.TotalSeconds:0.0} s");
        extractor.Extract(new TraceFeatureSource("warm up", "warm up", 1, null));

        var sources = Enumerable.Range(0, traces)
            .Select(i => examples[i % examples.Count])
            .Select(e => new TraceFeatureSource(e.Question, e.Answer, 100, 0.001))
            .ToList();
        var clock = Stopwatch.StartNew();
        foreach (var source in sources)
        {
            extractor.Extract(source);
        }

        var all = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var source in sources)
        {
            catalog.Embedder.Embed([source.InputText!, source.OutputText!]);
        }

        var embedding = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"extract: {traces} traces on one thread, trace by trace: {traces / all:0.0} traces/s "
            + $"({all * 1000 / traces:0.0} ms each); "
            + $"embedding input and output alone {embedding * 1000 / traces:0.0} ms "
            + $"({2 * traces / embedding:0} texts/s), "
            + $"the rest (tokens, languages, refusal, anchors) {(all - embedding) * 1000 / traces:0.0} ms"));

        // As the job works: the traces of a batch (BatchSize, 32 by default) extracted together.
        var batchSize = new TraceFeatureOptions().BatchSize;
        var batches = sources.Chunk(batchSize).ToList();
        clock.Restart();
        foreach (var batch in batches)
        {
            extractor.ExtractMany(batch);
        }

        all = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var batch in batches)
        {
            catalog.Embedder.Embed([.. batch.SelectMany(s => new[] { s.InputText!, s.OutputText! })]);
        }

        embedding = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"extract: {traces} traces on one thread, {batchSize} at a time: {traces / all:0.0} traces/s "
            + $"({all * 1000 / traces:0.0} ms each); "
            + $"embedding input and output alone {embedding * 1000 / traces:0.0} ms "
            + $"({2 * traces / embedding:0} texts/s), "
            + $"the rest (tokens, languages, refusal, anchors) {(all - embedding) * 1000 / traces:0.0} ms"));
    }

    private static async Task JobAsync(
        List<(string Question, string Answer, string Knowledge)> examples,
        int traces,
        int concurrency)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "llmobserve-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var app = LlmObserveApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--LlmObserve:DataDirectory", dataDirectory,
            "--LlmObserve:Init:PublicKey", PublicKey,
            "--LlmObserve:Init:SecretKey", SecretKey,
            "--LlmObserve:Evaluation:Enabled", "false",
            "--LlmObserve:Drift:Features:IntervalSeconds", "0.5",
            "--LlmObserve:Drift:Features:SettleSeconds", "1",
            "--LlmObserve:Drift:Features:Concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles", "Error",
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error",
        ]);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First().TrimEnd('/');
            using var client = new HttpClient
            {
                BaseAddress = new Uri(address + "/"),
                Timeout = TimeSpan.FromMinutes(2),
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
            var factory = app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();

            var warm = Stopwatch.StartNew();
            await IngestAsync(client, examples, 0, WarmUpTraces);
            await WaitAsync(factory, WarmUpTraces, TimeSpan.FromMinutes(5));
            Console.WriteLine(
                $"job: warm-up of {WarmUpTraces} traces (models loading) took {warm.Elapsed.TotalSeconds:0.0} s");

            var clock = Stopwatch.StartNew();
            for (var sent = 0; sent < traces; sent += BatchTraces)
            {
                await IngestAsync(client, examples, WarmUpTraces + sent, Math.Min(BatchTraces, traces - sent));
            }

            var ingested = clock.Elapsed;
            await WaitAsync(factory, WarmUpTraces + traces, TimeSpan.FromMinutes(30));
            clock.Stop();

            // The settle delay and one interval are waits, not work.
            var waits = TimeSpan.FromSeconds(1.5);
            var rate = traces / Math.Max(0.001, (clock.Elapsed - waits).TotalSeconds);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"job: {traces} traces ingested in {ingested.TotalSeconds:0.0} s, all featured "
                + $"{clock.Elapsed.TotalSeconds:0.0} s after the first was sent, Concurrency {concurrency}: "
                + $"{rate:0.0} traces/s ({2 * rate:0} texts embedded/s), settle and interval waits of "
                + $"{waits.TotalSeconds:0.0} s taken out"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    private static async Task IngestAsync(
        HttpClient client,
        List<(string Question, string Answer, string Knowledge)> examples,
        int first,
        int count)
    {
        var body = new
        {
            traces = Enumerable.Range(first, count).Select(i =>
            {
                var (question, answer, _) = examples[i % examples.Count];
                return new
                {
                    name = "halueval",
                    input = question,
                    output = answer,
                    spans = new object[]
                    {
                        new { name = "answer", type = "generation", model = "bench-model", output = answer },
                    },
                };
            }),
        };
        var response = await client.PostAsJsonAsync("api/ingest", body);
        response.EnsureSuccessStatusCode();
    }

    private static async Task WaitAsync(IDbContextFactory<LlmObserveDbContext> factory, int featured, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                if (await db.TraceFeatures.CountAsync() >= featured)
                {
                    return;
                }
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{featured} traces were not featured within {limit}.");
            }

            await Task.Delay(200);
        }
    }
}
