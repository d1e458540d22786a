using System.Diagnostics;
using System.Globalization;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>drift-monitor</c> command: one monitor run over two windows of <c>--traces</c> traces each (default
/// 100,000) whose features are already in a real SQLite file, with every column feature, both embeddings and the
/// topics. Prints the time of each of <c>--runs</c> runs (the first pays for the cold file cache).
/// </summary>
internal static class DriftMonitorBenchmark
{
    private const string PublicKey = "pk-lo-bench-drift";
    private const string SecretKey = "sk-lo-bench-drift-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        var perWindow = values.TryGetValue("traces", out var t) ? int.Parse(t, CultureInfo.InvariantCulture) : 100_000;
        var runs = values.TryGetValue("runs", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "llmobserve-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var app = LlmObserveApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--LlmObserve:DataDirectory", dataDirectory,
            "--LlmObserve:Init:PublicKey", PublicKey,
            "--LlmObserve:Init:SecretKey", SecretKey,
            "--LlmObserve:Evaluation:Enabled", "false",
            "--LlmObserve:Drift:Features:Enabled", "false",
            "--LlmObserve:Drift:Monitors:Enabled", "false",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        try
        {
            var factory = app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
            string projectId;
            await using (var db = await factory.CreateDbContextAsync())
            {
                projectId = await db.Projects.Select(p => p.Id).FirstAsync();
            }

            var end = DateTimeOffset.UtcNow.AddMinutes(-1);
            var fill = Stopwatch.StartNew();
            await FillAsync(factory, projectId, end.AddDays(-2), 2 * perWindow);
            Console.WriteLine($"drift-monitor: {2 * perWindow} traces with features written in "
                + $"{fill.Elapsed.TotalSeconds:0} s to {dataDirectory}; {Environment.ProcessorCount} cores");

            var service = app.Services.GetRequiredService<DriftMonitorService>();
            var saved = await service.CreateAsync(
                projectId,
                new DriftMonitorDraft
                {
                    Name = "bench",
                    Features =
                    [
                        .. TraceFeatureNames.Numeric.Concat(TraceFeatureNames.Categorical)
                            .Select(f => new DriftMonitorFeatureDraft(f)),
                        new DriftMonitorFeatureDraft(TraceFeatureNames.InputEmbedding),
                        new DriftMonitorFeatureDraft(TraceFeatureNames.OutputEmbedding, "embedding_mmd"),
                        new DriftMonitorFeatureDraft(DriftMonitorRules.InputTopics),
                    ],
                    ReferenceMinutes = 24 * 60,
                    CurrentMinutes = 24 * 60,
                    Enabled = false,
                },
                CancellationToken.None);
            var runner = app.Services.GetRequiredService<DriftMonitorRunner>();
            for (var i = 0; i < runs; i++)
            {
                var result = (await runner.RunAsync(
                    projectId,
                    saved.Monitor!.Id,
                    end,
                    DriftMonitorRunner.ManualTrigger,
                    CancellationToken.None))!;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"run {i + 1}: {result.DurationMs / 1000:0.00} s for {result.ReferenceFeatured} + "
                    + $"{result.CurrentFeatured} traces, {result.Features.Count} features, "
                    + $"{result.DriftedFeatures} drifted"));
                if (i == 0)
                {
                    foreach (var feature in result.Features)
                    {
                        Console.WriteLine(string.Format(
                            CultureInfo.InvariantCulture,
                            "  {0}: {1} n = {2} / {3}, {4} {5:0.####}{6}",
                            feature.Feature,
                            feature.Test,
                            feature.ReferenceCount,
                            feature.CurrentCount,
                            feature.ScoreKind,
                            feature.Score,
                            feature.Drifted ? " DRIFTED" : string.Empty));
                    }
                }
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }

        return 0;
    }

    /// <summary>Traces evenly over the two days before the end, each with a feature row (random vectors).</summary>
    private static async Task FillAsync(
        IDbContextFactory<LlmObserveDbContext> factory,
        string projectId,
        DateTimeOffset from,
        int count)
    {
        var random = new Random(7);
        string[] languages = ["en", "en", "en", "fr", "de"];
        string[] tones = ["formal", "casual", "apologetic", "assertive"];
        const int Chunk = 5000;
        for (var offset = 0; offset < count; offset += Chunk)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var traces = new List<TraceEntity>(Chunk);
            var features = new List<TraceFeatureRow>(Chunk);
            for (var i = offset; i < Math.Min(count, offset + Chunk); i++)
            {
                var start = UnixNanos.FromDateTimeOffset(from.AddDays(2.0 * i / count));
                var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                traces.Add(new TraceEntity
                {
                    ProjectId = projectId,
                    TraceId = id,
                    StartTimeUnixNano = start,
                    EndTimeUnixNano = start + 1_000_000,
                    Status = "ok",
                    InputText = "question " + (i % 97).ToString(CultureInfo.InvariantCulture),
                    UpdatedAtUnixNano = start,
                });
                features.Add(new TraceFeatureRow
                {
                    ProjectId = projectId,
                    TraceId = id,
                    StartTimeUnixNano = start,
                    TraceUpdatedAtUnixNano = start,
                    FeatureVersion = TraceFeatureExtractor.Version,
                    InputTokens = 10 + random.Next(200),
                    OutputTokens = 20 + random.Next(400),
                    InputLanguage = languages[random.Next(languages.Length)],
                    OutputLanguage = languages[random.Next(languages.Length)],
                    Refusal = random.NextDouble() < 0.05,
                    Sentiment = random.NextDouble() < 0.7 ? "neutral" : "positive",
                    SentimentScore = random.NextDouble() * 0.6 - 0.3,
                    Tone = tones[random.Next(tones.Length)],
                    LatencyMs = 200 + random.NextDouble() * 3000,
                    Cost = random.NextDouble() * 0.01,
                    InputEmbedding = EmbeddingCodec.Encode(Vector(random)),
                    OutputEmbedding = EmbeddingCodec.Encode(Vector(random)),
                });
            }

            db.Traces.AddRange(traces);
            await db.SaveChangesAsync();
            for (var i = 0; i < features.Count; i++)
            {
                features[i].TraceRowId = traces[i].Id;
            }

            db.TraceFeatures.AddRange(features);
            await db.SaveChangesAsync();
        }
    }

    private static float[] Vector(Random random)
    {
        var v = new float[384];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() - 0.5);
        }

        return v;
    }
}
