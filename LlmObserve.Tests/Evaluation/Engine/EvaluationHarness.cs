using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Evaluation.Engine;

/// <summary>
/// The real app on Kestrel with the evaluation job on a short interval, a fake OpenAI-compatible judge on 127.0.0.1,
/// and helpers that drive both through the public API and read the store as it is.
/// </summary>
internal sealed class EvaluationHarness : IAsyncDisposable
{
    public const string JudgeKey = "sk-judge-3d1f-NEVER-STORE-IN-CLEAR-77a0";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// How long a test waits for the job: generous, because the suite shares two cores with other work; a wait that
    /// is met returns at once.
    /// </summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<ILoggingBuilder>? _configureLogging;

    private EvaluationHarness(
        FakeJudgeServer judge,
        string dataDirectory,
        Dictionary<string, string?> settings,
        Action<ILoggingBuilder>? configureLogging)
    {
        Judge = judge;
        DataDirectory = dataDirectory;
        _settings = settings;
        _configureLogging = configureLogging;
    }

    public FakeJudgeServer Judge { get; }

    public string DataDirectory { get; }

    public RunningApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts the judge and the app; offline defaults are off unless asked for.</summary>
    public static async Task<EvaluationHarness> StartAsync(
        bool offlineDefaults = false,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["LlmObserve:Evaluation:Enabled"] = "true",
            ["LlmObserve:Evaluation:DefaultOfflineEvaluators"] = offlineDefaults ? "true" : "false",
            ["LlmObserve:Evaluation:IntervalSeconds"] = "0.2",
            ["LlmObserve:Evaluation:SettleSeconds"] = "0.3",
            ["LlmObserve:Evaluation:RetryDelaySeconds"] = "0.2",
            ["LlmObserve:Evaluation:MaxRetryDelaySeconds"] = "1",
            ["LlmObserve:Evaluation:LeaseSeconds"] = "30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var judge = await FakeJudgeServer.StartAsync();
        var harness = new EvaluationHarness(judge, RunningApp.CreateTempDirectory(), values, configureLogging);
        await harness.StartAppAsync();
        return harness;
    }

    /// <summary>Starts the app (again) on the same data directory.</summary>
    public async Task StartAppAsync()
    {
        App = await RunningApp.StartAsync(
            DataDirectory,
            _settings,
            builder =>
            {
                builder.Services.AddSingleton(SharedOfflineModels.Catalog);
                _configureLogging?.Invoke(builder.Logging);
            });
        Client = App.CreateClient();
    }

    /// <summary>Stops the app gracefully, as a deployment or a container restart does.</summary>
    public async Task StopAppAsync()
    {
        Client.Dispose();
        await App.StopAsync();
    }

    /// <summary>The store's file opened directly, for a test to read or set up while the app is stopped.</summary>
    public static LlmObserveDbContext OpenStore(string dataDirectory)
        => new(new DbContextOptionsBuilder<LlmObserveDbContext>()
            .UseSqlite($"Data Source={Path.Combine(dataDirectory, "llmobserve.db")}")
            .Options);

    public LlmObserveDbContext OpenStoppedStore() => OpenStore(DataDirectory);

    public LlmObserveDbContext CreateDb()
        => App.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>().CreateDbContext();

    public Uri JudgeBaseUrl => new(Judge.BaseAddress, "v1");

    /// <summary>Saves a judge endpoint pointing at the fake judge (the save makes one call to it).</summary>
    public async Task<long> CreateEndpointAsync(
        int timeoutSeconds = 10,
        int maxAttempts = 3,
        int maxConcurrency = 4,
        Uri? baseUrl = null)
    {
        var response = await Client.PostAsJsonAsync("api/judge-endpoints", new
        {
            name = "fake judge " + Guid.NewGuid().ToString("N")[..6],
            provider = JudgeProviderNames.OpenAICompatible,
            baseUrl = (baseUrl ?? JudgeBaseUrl).ToString(),
            model = "judge-model",
            apiKey = JudgeKey,
            timeoutSeconds,
            maxAttempts,
            maxConcurrency,
            inputPricePerMillion = 2m,
            outputPricePerMillion = 8m,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JudgeEndpointView>(Json);
        return created!.Id;
    }

    /// <summary>Creates a judge evaluator through the API and returns what it answered.</summary>
    public async Task<EvaluatorView> CreateJudgeEvaluatorAsync(
        long endpointId,
        string name = "judge-groundedness",
        string template = "groundedness",
        string? prompt = null,
        double samplingRate = 1,
        long? maxTokensPerDay = null,
        object? filter = null)
    {
        var response = await Client.PostAsJsonAsync("api/evaluators", new
        {
            name,
            kind = EvaluatorKinds.Judge,
            samplingRate,
            filter,
            judge = new { endpointId, template, prompt, maxTokensPerDay },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize<EvaluatorView>(body, Json)!;
    }

    /// <summary>Sends traces through <c>/api/ingest</c>; each gets a retrieval span unless it has no context.</summary>
    public async Task IngestAsync(params TestTrace[] traces)
    {
        var body = new
        {
            traces = traces.Select(trace => new
            {
                id = trace.Id,
                name = trace.Name,
                environment = trace.Environment,
                input = trace.Input,
                output = trace.Output,
                spans = trace.Context is null
                    ? new object[]
                    {
                        new { name = "answer", type = "generation", model = "app-model", output = trace.Output },
                    }
                    : new object[]
                    {
                        new { name = "retrieve", type = "retrieval", documents = trace.Context },
                        new { name = "answer", type = "generation", model = "app-model", output = trace.Output },
                    },
            }),
        };
        var response = await Client.PostAsJsonAsync("api/ingest", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<List<EvaluationRun>> RunsAsync(string evaluatorId)
    {
        await using var db = CreateDb();
        return await db.EvaluationRuns.AsNoTracking().Where(r => r.EvaluatorId == evaluatorId).ToListAsync();
    }

    public async Task<List<Score>> ScoresAsync(string evaluatorId)
    {
        await using var db = CreateDb();
        return await db.Scores.AsNoTracking().Where(s => s.EvaluatorId == evaluatorId).ToListAsync();
    }

    /// <summary>Waits until the evaluator's runs of these traces reach final states.</summary>
    public Task WaitForFinalAsync(string evaluatorId, int count, TimeSpan? timeout = null)
        => Poll.UntilAsync(
            async () => (await RunsAsync(evaluatorId)).Count(r => EvaluationRunStatus.IsFinal(r.Status)) >= count,
            $"{count} evaluations of {evaluatorId} to finish",
            timeout ?? JobTimeout);

    public async Task<EvaluatorStatusDetail> StatusAsync(string evaluatorId)
        => (await Client.GetFromJsonAsync<EvaluatorStatusDetail>($"api/evaluators/{evaluatorId}/status", Json))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Judge.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing holds the file; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>
/// A trace to send: its question, its answer and the documents retrieved for it (none: no retrieval).
/// </summary>
internal sealed record TestTrace(string Id, string Input, string Output, string[]? Context, string? Environment = null)
{
    public string Name { get; init; } = "support-answer";

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static TestTrace Rag(string? id = null, string? environment = null) => new(
        id ?? NewId(),
        "When did the Berlin Wall fall?",
        "The Berlin Wall fell on 9 November 1989.",
        ["The Berlin Wall fell on the night of 9 November 1989, after weeks of protest."],
        environment);

    public static TestTrace WithoutContext(string? id = null) => new(
        id ?? NewId(),
        "Write a haiku about autumn.",
        "Red leaves drift and fall, the quiet pond holds the sky, the year breathes out slow.",
        null);
}
