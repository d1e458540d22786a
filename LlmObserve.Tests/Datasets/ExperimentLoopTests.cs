using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Datasets;

namespace LlmObserve.Tests.Datasets;

/// <summary>
/// The closed loop end to end: a failing trace joins a dataset, experiments run it through a model served on
/// 127.0.0.1 and score it with an offline similarity and an LLM judge on the same server, two runs are compared, and
/// the gate command exits 1 for the broken prompt, 0 for the fixed one and 1 again for a prompt that regresses.
/// </summary>
public sealed class ExperimentLoopTests
{
    private const string BadPrompt = "Answer: {input}";
    private const string FixedPrompt = "Check the facts, then answer: {input}";
    private const string TersePrompt = "Be terse: {input}";

    [Fact]
    public async Task FailingTrace_ThroughDatasetExperimentsAndGate_FailsThenPassesThenCatchesARegression()
    {
        await using var harness = await EvaluationHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Evaluation:Enabled"] = "false",
        });
        harness.Judge.Route = Answer;
        var client = harness.Client;
        var endpointId = await harness.CreateEndpointAsync();
        await harness.CreateJudgeEvaluatorAsync(endpointId, name: "correctness", template: "correctness");
        var failing = new TestTrace(TestTrace.NewId(), "What is the capital of France?", "London", null);
        await harness.IngestAsync(failing);
        var dataset = await PostAsync(client, "api/datasets", new { name = "regressions" });
        var datasetId = dataset.GetProperty("id").GetString()!;
        await PostAsync(
            client,
            $"api/datasets/{datasetId}/items/from-trace",
            new { traceId = failing.Id, expectedOutput = "Paris" });
        await PostAsync(
            client,
            $"api/datasets/{datasetId}/items",
            new { input = "What is 2 plus 2?", expectedOutput = "4" });

        var bad = await RunAsync(client, datasetId, endpointId, BadPrompt);
        var badGate = await GateAsync(harness.App.BaseAddress, "--experiment", bad, "--min", "correctness=0.8");

        var promptFile = Path.Combine(harness.DataDirectory, "prompt.txt");
        await File.WriteAllTextAsync(promptFile, FixedPrompt);
        var fixedGate = await ProcessRunner.RunAsync(
            "dotnet",
            [WebDll(), "gate", "--url", harness.App.BaseAddress.ToString(), "--dataset", datasetId,
                "--endpoint", endpointId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--prompt-file", promptFile, "--evaluator", "similarity,correctness", "--min", "correctness=0.8",
                "--min", "similarity=0.8", "--baseline", bad, "--max-regressions", "0"],
            RepoPaths.Root,
            TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["LLMOBSERVE_KEY"] = RunningApp.SecretKey });
        var experiments = await client.GetFromJsonAsync<JsonElement>($"api/experiments?datasetId={datasetId}");
        var fixedId = experiments[0].GetProperty("id").GetString()!;
        var improvement = await client.GetFromJsonAsync<JsonElement>($"api/experiments/{fixedId}/compare/{bad}");

        var terse = await RunAsync(client, datasetId, endpointId, TersePrompt);
        var regression = await client.GetFromJsonAsync<JsonElement>($"api/experiments/{terse}/compare/{fixedId}");
        var terseGate = await GateAsync(
            harness.App.BaseAddress,
            "--experiment", terse, "--min", "correctness=0.4", "--baseline", fixedId, "--max-regressions", "0");

        Assert.True(badGate.Code == GateCommand.Failed, badGate.Output + badGate.Error);
        Assert.Contains("[FAIL] correctness mean 0.5 (min 0.8)", badGate.Output, StringComparison.Ordinal);
        Assert.Contains("GATE FAILED", badGate.Output, StringComparison.Ordinal);

        Assert.True(fixedGate.ExitCode == GateCommand.Passed, fixedGate.Output + fixedGate.Error);
        Assert.Contains("GATE PASSED", fixedGate.Output, StringComparison.Ordinal);
        Assert.Contains("0 item(s) worse", fixedGate.Output, StringComparison.Ordinal);
        Assert.Equal(1, improvement.GetProperty("better").GetInt32());
        Assert.Equal(0, improvement.GetProperty("worse").GetInt32());
        var better = improvement.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("change").GetString() == "better");
        Assert.Equal("London", better.GetProperty("baselineOutput").GetString());
        Assert.Equal("Paris", better.GetProperty("candidateOutput").GetString());

        Assert.Equal(1, regression.GetProperty("worse").GetInt32());
        var worse = regression.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("change").GetString() == "worse");
        Assert.Equal("What is 2 plus 2?", worse.GetProperty("input").GetString());
        Assert.True(terseGate.Code == GateCommand.Failed, terseGate.Output + terseGate.Error);
        Assert.Contains("[FAIL] 1 item(s) worse", terseGate.Output, StringComparison.Ordinal);
        Assert.Contains("worse: ", terseGate.Output, StringComparison.Ordinal);
        Assert.Contains("[pass] correctness mean 0.5 (min 0.4)", terseGate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_BadArgumentsOrUnknownExperiment_ExitsTwoNamingTheProblem()
    {
        await using var app = await RunningApp.StartAsync();

        var noUrl = await GateAsync(null, "--experiment", "ex-1");
        var badMin = await GateAsync(app.BaseAddress, "--experiment", "ex-1", "--min", "correctness");
        var unknown = await GateAsync(app.BaseAddress, "--experiment", "ex-000000000000");

        Assert.Equal(GateCommand.Error, noUrl.Code);
        Assert.Contains("--url", noUrl.Error, StringComparison.Ordinal);
        Assert.Equal(GateCommand.Error, badMin.Code);
        Assert.Contains("'correctness' is not SCORE=NUMBER", badMin.Error, StringComparison.Ordinal);
        Assert.Equal(GateCommand.Error, unknown.Code);
        Assert.Contains("404", unknown.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The model answers France wrongly with the first prompt, and 2+2 wrongly when told to be terse; the
    /// judge (the request with a system message) gives 0 when the answer in its prompt is wrong.
    /// </summary>
    private static Func<Microsoft.AspNetCore.Http.HttpContext, Task>? Answer(JsonElement body)
    {
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        var prompt = messages[^1].GetProperty("content").GetString() ?? string.Empty;
        if (messages.Count > 1)
        {
            var wrong = prompt.Contains("London", StringComparison.Ordinal)
                || prompt.Contains("---ANSWER---\n5", StringComparison.Ordinal);
            return FakeJudgeServer.Completion(wrong
                ? """{"label": "incorrect", "score": 0, "explanation": "differs from the reference"}"""
                : """{"label": "correct", "score": 1, "explanation": "matches the reference"}""");
        }

        if (prompt.Contains("France", StringComparison.Ordinal))
        {
            var wrongPrompt = prompt.StartsWith("Answer:", StringComparison.Ordinal);
            return FakeJudgeServer.Completion(wrongPrompt ? "London" : "Paris");
        }

        return FakeJudgeServer.Completion(prompt.StartsWith("Be terse", StringComparison.Ordinal) ? "5" : "4");
    }

    private static async Task<string> RunAsync(HttpClient client, string datasetId, long endpointId, string prompt)
    {
        var created = await PostAsync(client, "api/experiments", new
        {
            datasetId,
            endpointId,
            promptTemplate = prompt,
            evaluators = new[] { "similarity", "correctness" },
        });
        var id = created.GetProperty("id").GetString()!;
        await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<JsonElement>($"api/experiments/{id}"))
                .GetProperty("status").GetString() == "completed",
            $"experiment {id} to complete",
            EvaluationHarness.JobTimeout);
        return id;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<(int Code, string Output, string Error)> GateAsync(Uri? url, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] all = url is null
            ? ["--key", RunningApp.SecretKey, .. args]
            : ["--url", url.ToString(), "--key", RunningApp.SecretKey, .. args];
        var code = await GateCommand.RunAsync(all, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string WebDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepoPaths.Root, "LlmObserve.Web", "bin", configuration, "net10.0", "LlmObserve.Web.dll");
    }
}
