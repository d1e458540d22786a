using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Ingestion.EndToEnd;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Evaluation;

/// <summary>
/// The evaluator, judge endpoint and score APIs: what they refuse and why (RFC 7807, naming the field), and how the
/// judge's key is kept.
/// </summary>
public sealed class EvaluationApiTests
{
    [Fact]
    public async Task SaveEvaluator_UnknownTemplateVariable_RefusedNamingThePromptWithoutCallingTheJudge()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        var endpointId = await harness.CreateEndpointAsync();
        var callsBefore = harness.Judge.Requests.Count;

        var response = await harness.Client.PostAsJsonAsync("api/evaluators", new
        {
            name = "custom-judge",
            kind = "judge",
            judge = new { endpointId, template = "custom", prompt = "Is {{answer}} supported by {{context}}?" },
        });

        var problem = await ProblemAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("{{answer}}", Messages(problem, "judge.prompt"), StringComparison.Ordinal);
        Assert.Contains("{{context}}", Messages(problem, "judge.prompt"), StringComparison.Ordinal);
        Assert.Equal(callsBefore, harness.Judge.Requests.Count);
        Assert.Empty((await harness.Client.GetFromJsonAsync<List<EvaluatorView>>("api/evaluators"))!);
    }

    [Fact]
    public async Task SaveEndpointOrEvaluator_UnreachableEndpointOrWrongKey_RefusedWithTheReasonBesideTheField()
    {
        await using var harness = await EvaluationHarness.StartAsync();
        await using var gone = await FakeJudgeServer.StartAsync();
        var goneUrl = new Uri(gone.BaseAddress, "v1");
        var goneEndpoint = await harness.CreateEndpointAsync(baseUrl: goneUrl);
        await gone.DisposeAsync();

        var unreachableEndpoint = await harness.Client.PostAsJsonAsync("api/judge-endpoints", EndpointBody(goneUrl));
        var unreachableEvaluator = await harness.Client.PostAsJsonAsync(
            "api/evaluators",
            JudgeEvaluatorBody("unreachable", goneEndpoint));
        harness.Judge.Enqueue(FakeJudgeServer.Status(401));
        var wrongKeyEndpoint = await harness.Client.PostAsJsonAsync(
            "api/judge-endpoints",
            EndpointBody(harness.JudgeBaseUrl));
        var workingEndpoint = await harness.CreateEndpointAsync();
        harness.Judge.Enqueue(FakeJudgeServer.Status(401));
        var wrongKeyEvaluator = await harness.Client.PostAsJsonAsync(
            "api/evaluators",
            JudgeEvaluatorBody("wrong-key", workingEndpoint));
        harness.Judge.Enqueue(FakeJudgeServer.Status(404));
        var wrongModelEvaluator = await harness.Client.PostAsJsonAsync(
            "api/evaluators",
            JudgeEvaluatorBody("wrong-model", workingEndpoint, model: "no-such-model"));

        Assert.Contains(
            "could not be reached",
            Messages(await ProblemAsync(unreachableEndpoint), "baseUrl"),
            StringComparison.Ordinal);
        Assert.Contains(
            "could not be reached",
            Messages(await ProblemAsync(unreachableEvaluator), "judge.endpointId"),
            StringComparison.Ordinal);
        Assert.Contains(
            "refused the key (401)",
            Messages(await ProblemAsync(wrongKeyEndpoint), "apiKey"),
            StringComparison.Ordinal);
        Assert.Contains(
            "refused the key (401)",
            Messages(await ProblemAsync(wrongKeyEvaluator), "judge.endpointId"),
            StringComparison.Ordinal);
        Assert.Contains(
            "no-such-model",
            Messages(await ProblemAsync(wrongModelEvaluator), "judge.model"),
            StringComparison.Ordinal);
        Assert.Empty((await harness.Client.GetFromJsonAsync<List<EvaluatorView>>("api/evaluators"))!);
    }

    [Fact]
    public async Task JudgeKey_SavedAndUsed_IsSentToTheJudgeButNeverStoredInClearLoggedOrReturned()
    {
        var logs = new CapturingLoggerProvider();
        await using var harness = await EvaluationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
        }, configureLogging: logging => logging.AddProvider(logs));
        var endpointId = await harness.CreateEndpointAsync();
        var evaluator = await harness.CreateJudgeEvaluatorAsync(endpointId);
        harness.Judge.Enqueue(
            FakeJudgeServer.Status(429, retryAfter: "0"),
            FakeJudgeServer.Completion("""{"label": "grounded", "score": 1, "explanation": "ok"}"""));
        await harness.IngestAsync(TestTrace.Rag());
        await harness.WaitForFinalAsync(evaluator.Id, 1);

        var listed = await harness.Client.GetStringAsync("api/judge-endpoints");
        var one = await harness.Client.GetStringAsync($"api/judge-endpoints/{endpointId}");
        var evaluators = await harness.Client.GetStringAsync("api/evaluators");
        await harness.StopAppAsync();
        var files = Directory.EnumerateFiles(harness.DataDirectory, "*", SearchOption.AllDirectories)
            .Select(path => (path, bytes: File.ReadAllBytes(path)))
            .ToList();

        Assert.All(harness.Judge.Requests, r => Assert.Equal("Bearer " + EvaluationHarness.JudgeKey, r.Authorization));
        Assert.Contains("\"keySet\":true", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(EvaluationHarness.JudgeKey, listed + one + evaluators, StringComparison.Ordinal);
        Assert.Contains(files, f => f.path.EndsWith("llmobserve.db", StringComparison.Ordinal));
        Assert.All(files, f => Assert.False(
            Contains(f.bytes, EvaluationHarness.JudgeKey),
            $"{f.path} holds the judge key in clear."));
        Assert.Contains(logs.Entries, e => e.Contains("retrying after status 429", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Contains(EvaluationHarness.JudgeKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Contains("NEVER-STORE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostScore_ValidAndInvalid_StoresAnApiScoreOrNamesTheFieldAtFault()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient();
        var traceId = TestTrace.NewId();

        var stored = await client.PostAsJsonAsync("api/scores", new
        {
            traceId = traceId.ToUpperInvariant(),
            name = "helpfulness",
            value = 0.75,
            label = "helpful",
            explanation = "The user said thanks.",
        });
        var noName = await client.PostAsJsonAsync("api/scores", new { traceId, value = 1 });
        var noValue = await client.PostAsJsonAsync("api/scores", new { traceId, name = "x" });
        var badTrace = await client.PostAsJsonAsync("api/scores", new { traceId = "abc", name = "x", value = 1 });
        var mistyped = await client.PostAsync(
            new Uri("api/scores", UriKind.Relative),
            new StringContent(
                $$"""{"traceId":"{{traceId}}","name":"x","value":"high"}""",
                Encoding.UTF8,
                "application/json"));
        await client.PostAsJsonAsync("api/ingest", new { traces = new[] { new { id = traceId, name = "scored" } } });
        var trace = await TraceApi.WaitForTraceAsync(client, traceId, 1);

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var score = Assert.Single(trace.Scores);
        Assert.Equal(
            ("helpfulness", 0.75, "helpful", "api"),
            (score.Name, score.Value!.Value, score.Label!, score.Source));
        Assert.Contains("'name' is required", Messages(await ProblemAsync(noName), "name"), StringComparison.Ordinal);
        Assert.Contains(
            "'value' or a 'label'",
            Messages(await ProblemAsync(noValue), "value"),
            StringComparison.Ordinal);
        Assert.Contains("32 hexadecimal", Messages(await ProblemAsync(badTrace), "traceId"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.StatusCode);
        Assert.NotEmpty(Messages(await ProblemAsync(mistyped), "value"));
    }

    [Fact]
    public async Task SaveEvaluator_BadFilterKindChangeOrMissingSettings_EachRefusedNamingItsField()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient();

        var created = await client.PostAsJsonAsync("api/evaluators", new
        {
            name = "refusals", kind = "refusal", filter = "environment=production&tag=support",
        });
        var view = (await created.Content.ReadFromJsonAsync<EvaluatorView>(EvaluationHarness.Json))!;
        var timeFilter = await client.PostAsJsonAsync(
            "api/evaluators",
            new { name = "a", kind = "pii", filter = "range=24h" });
        var badStatus = await client.PostAsJsonAsync(
            "api/evaluators",
            new { name = "b", kind = "pii", filter = "status=maybe" });
        var noJudge = await client.PostAsJsonAsync("api/evaluators", new { name = "c", kind = "judge" });
        var unknownKind = await client.PostAsJsonAsync(
            "api/evaluators",
            new { name = "d", kind = "vibes", samplingRate = 2 });
        var duplicate = await client.PostAsJsonAsync("api/evaluators", new { name = "Refusals", kind = "refusal" });
        var kindChange = await client.PutAsJsonAsync(
            $"api/evaluators/{view.Id}",
            new { name = "refusals", kind = "pii" });
        var missing = await client.GetAsync(new Uri("api/evaluators/ev-000000000000/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("environment=production&tag=support", view.Filter);
        Assert.Contains("'range'", Messages(await ProblemAsync(timeFilter), "filter"), StringComparison.Ordinal);
        Assert.Contains("'status'", Messages(await ProblemAsync(badStatus), "filter"), StringComparison.Ordinal);
        Assert.NotEmpty(Messages(await ProblemAsync(noJudge), "judge"));
        var unknown = await ProblemAsync(unknownKind);
        Assert.Contains("must be one of", Messages(unknown, "kind"), StringComparison.Ordinal);
        Assert.NotEmpty(Messages(unknown, "samplingRate"));
        Assert.Contains("exists already", Messages(await ProblemAsync(duplicate), "name"), StringComparison.Ordinal);
        Assert.Contains("cannot change", Messages(await ProblemAsync(kindChange), "kind"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static object EndpointBody(Uri baseUrl) => new
    {
        name = "endpoint " + Guid.NewGuid().ToString("N")[..6],
        provider = JudgeProviderNames.OpenAICompatible,
        baseUrl = baseUrl.ToString(),
        model = "judge-model",
        apiKey = "sk-wrong-or-unused",
        timeoutSeconds = 5,
    };

    private static object JudgeEvaluatorBody(string name, long endpointId, string? model = null) => new
    {
        name,
        kind = "judge",
        judge = new { endpointId, template = "groundedness", model },
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Messages(JsonElement problem, string field)
    {
        Assert.True(
            problem.GetProperty("errors").TryGetProperty(field, out var messages),
            $"The problem names no '{field}': {problem}");
        return string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()));
    }

    private static bool Contains(byte[] bytes, string text)
    {
        var needles = new[] { Encoding.UTF8.GetBytes(text), Encoding.Unicode.GetBytes(text) };
        return needles.Any(needle => bytes.AsSpan().IndexOf(needle) >= 0);
    }

    /// <summary>Keeps every log line of every category, formatted with its values and exception.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyCollection<string> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(
                LogLevel logLevel,
                EventId eventId,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join("; ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                    : string.Empty;
                entries.Enqueue($"{category} {eventId.Id} {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
