using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>evaluations</c> command: how many traces per second the evaluation job scores with the five default
/// offline evaluators, end to end in the real app (ingested through <c>/api/ingest</c>, claimed, evaluated and
/// stored by the Quartz job), and how many sentence embeddings the per-trace memo saves between groundedness and
/// answer relevance.
/// </summary>
internal static class EvaluationBenchmark
{
    private const string PublicKey = "pk-lo-bench-evaluations";
    private const string SecretKey = "sk-lo-bench-evaluations-0123456789";
    private const int OfflineEvaluators = 5;
    private const int WarmUpTraces = 5;
    private const int BatchTraces = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var traces = Math.Clamp(
            int.Parse(values.GetValueOrDefault("traces", "300"), CultureInfo.InvariantCulture),
            1,
            5000);
        var concurrency = Math.Clamp(
            int.Parse(values.GetValueOrDefault("offline-concurrency", "1"), CultureInfo.InvariantCulture),
            1,
            8);
        var examples = HaluEval.Load(values.GetValueOrDefault("data") ?? HaluEval.DefaultPath());
        Console.WriteLine(
            $"evaluations: {examples.Count} HaluEval answers as traces; {Environment.ProcessorCount} cores");

        Memo(examples);
        await JobAsync(examples, traces, concurrency);
        return 0;
    }

    /// <summary>Groundedness and relevance of each trace with one memo against each embedding on its own.</summary>
    private static void Memo(List<(string Question, string Answer, string Knowledge)> examples)
    {
        using var embedder = new SentenceEmbedder();
        var groundedness = new GroundednessEvaluator(embedder);
        var relevance = new AnswerRelevanceEvaluator(embedder);
        var singleSentence = examples.Count(e => SentenceSplitter.Split(e.Answer).Count == 1
            && e.Answer.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 6);

        foreach (var (question, answer, knowledge) in examples.Take(4))
        {
            groundedness.Evaluate(new OfflineEvaluationInput(question, answer, [knowledge]));
        }

        var (hits, misses) = (0, 0);
        var shared = Stopwatch.StartNew();
        foreach (var (question, answer, knowledge) in examples)
        {
            var input = new OfflineEvaluationInput(question, answer, [knowledge]) { Embeddings = new EmbeddingMemo() };
            groundedness.Evaluate(input);
            relevance.Evaluate(input);
            hits += input.Embeddings.Hits;
            misses += input.Embeddings.Misses;
        }

        shared.Stop();
        var apart = Stopwatch.StartNew();
        foreach (var (question, answer, knowledge) in examples)
        {
            var input = new OfflineEvaluationInput(question, answer, [knowledge]);
            groundedness.Evaluate(input);
            relevance.Evaluate(input);
        }

        apart.Stop();
        var withMemo = shared.Elapsed.TotalMilliseconds / examples.Count;
        var without = apart.Elapsed.TotalMilliseconds / examples.Count;
        Console.WriteLine(
            $"memo: {hits} of {hits + misses} texts shared between groundedness and relevance " +
            $"({100.0 * hits / (hits + misses):0.0} %); {singleSentence} of {examples.Count} answers are one " +
            $"sentence of 6 words or more (the case that shares); both evaluators {withMemo:0.0} ms per trace with " +
            $"the memo, {without:0.0} ms without, one thread");
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
            "--LlmObserve:Evaluation:IntervalSeconds", "0.5",
            "--LlmObserve:Evaluation:SettleSeconds", "1",
            "--LlmObserve:Evaluation:OfflineConcurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--LlmObserve:Drift:Features:Enabled", "false",
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

            // The first traces load the models (MiniLM, Lingua), which is not throughput.
            var warm = Stopwatch.StartNew();
            await IngestAsync(client, examples, 0, WarmUpTraces);
            await WaitAsync(factory, WarmUpTraces * OfflineEvaluators, TimeSpan.FromMinutes(5));
            Console.WriteLine(
                $"job: warm-up of {WarmUpTraces} traces (models loading) took {warm.Elapsed.TotalSeconds:0.0} s");

            var clock = Stopwatch.StartNew();
            for (var sent = 0; sent < traces; sent += BatchTraces)
            {
                await IngestAsync(client, examples, WarmUpTraces + sent, Math.Min(BatchTraces, traces - sent));
            }

            var ingested = clock.Elapsed;
            await WaitAsync(factory, (WarmUpTraces + traces) * OfflineEvaluators, TimeSpan.FromMinutes(30));
            clock.Stop();

            // The settle delay and the job's interval are waits, not work: they are taken out of the rate.
            var waits = TimeSpan.FromSeconds(1.5);
            var rate = traces / Math.Max(0.001, (clock.Elapsed - waits).TotalSeconds);
            Console.WriteLine(
                $"job: {traces} traces ({traces * OfflineEvaluators} evaluations) ingested in " +
                $"{ingested.TotalSeconds:0.0} s and all scored {clock.Elapsed.TotalSeconds:0.0} s after the first " +
                $"was sent, with OfflineConcurrency {concurrency}: {rate:0.0} traces/s " +
                $"({rate * OfflineEvaluators:0.0} evaluations/s), settle and interval waits of " +
                $"{waits.TotalSeconds:0.0} s taken out");
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
                var (question, answer, knowledge) = examples[i % examples.Count];
                return new
                {
                    name = "halueval",
                    input = question,
                    output = answer,
                    spans = new object[]
                    {
                        new { name = "retrieve", type = "retrieval", documents = new[] { knowledge } },
                        new { name = "answer", type = "generation", model = "bench-model", output = answer },
                    },
                };
            }),
        };
        var response = await client.PostAsJsonAsync("api/ingest", body);
        response.EnsureSuccessStatusCode();
    }

    private static async Task WaitAsync(
        IDbContextFactory<LlmObserveDbContext> factory,
        int evaluations,
        TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                var done = await db.EvaluationRuns.CountAsync(r => r.Status == EvaluationRunStatus.Scored
                    || r.Status == EvaluationRunStatus.Skipped
                    || r.Status == EvaluationRunStatus.Failed);
                if (done >= evaluations)
                {
                    return;
                }
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{evaluations} evaluations did not finish within {limit}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>HaluEval QA lines: each question with its right and its hallucinated answer.</summary>
    internal static class HaluEval
    {
        public static List<(string Question, string Answer, string Knowledge)> Load(string path)
        {
            var examples = new List<(string, string, string)>();
            foreach (var line in File.ReadLines(path).Where(line => line.Length > 0))
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var question = root.GetProperty("question").GetString()!;
                var knowledge = root.GetProperty("knowledge").GetString()!;
                examples.Add((question, root.GetProperty("right_answer").GetString()!, knowledge));
                examples.Add((question, root.GetProperty("hallucinated_answer").GetString()!, knowledge));
            }

            return examples;
        }

        public static string DefaultPath()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "reference", "halueval-qa-dev.jsonl");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("No reference/halueval-qa-dev.jsonl above the bench; pass --data.");
        }
    }
}
