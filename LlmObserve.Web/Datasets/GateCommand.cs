using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LlmObserve.Web.Datasets;

/// <summary>
/// <c>dotnet LlmObserve.Web.dll gate --url … --key … (--experiment ID | --dataset ID --endpoint N --prompt-file F
/// --evaluator E…) [--min score=0.8] [--max score=0.1] [--baseline ID --max-regressions N]</c>: reads a finished
/// experiment, or starts one and waits for it, asks the server's gate and prints its summary. Exit 0 when the gate
/// passes, 1 when it fails, 2 when the command could not decide (bad arguments, server unreachable, timeout).
/// </summary>
internal static class GateCommand
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int Error = 2;

    private const string Usage = """
        usage: dotnet LlmObserve.Web.dll gate --url URL [--key SECRET] (--experiment ID |
               --dataset ID --endpoint N (--prompt TEXT | --prompt-file PATH) --evaluator NAME [--evaluator NAME…]
               [--model M] [--system-prompt TEXT] [--temperature T] [--max-tokens N])
               [--min SCORE=VALUE…] [--max SCORE=VALUE…] [--baseline ID] [--max-regressions N]
               [--max-failed N] [--timeout SECONDS]
        The key may come from the LLMOBSERVE_KEY environment variable instead of --key.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var (options, problem) = GateOptions.Parse(args, Environment.GetEnvironmentVariable("LLMOBSERVE_KEY"));
        if (options is null)
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return Error;
        }

        using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        try
        {
            var experimentId = options.ExperimentId ?? await StartAsync(http, options, output, error);
            if (experimentId is null)
            {
                return Error;
            }

            if (!await WaitAsync(http, experimentId, options.Timeout, output, error))
            {
                return Error;
            }

            using var response = await http.PostAsJsonAsync(
                $"api/experiments/{experimentId}/gate",
                new
                {
                    min = options.Min,
                    max = options.Max,
                    baselineId = options.BaselineId,
                    maxRegressions = options.MaxRegressions,
                    maxFailedItems = options.MaxFailed,
                });
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"The gate refused the request ({(int)response.StatusCode}): "
                    + Detail(body.RootElement));
                return Error;
            }

            await output.WriteLineAsync(body.RootElement.GetProperty("summary").GetString());
            return body.RootElement.GetProperty("passed").GetBoolean() ? Passed : Failed;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            await error.WriteLineAsync($"Could not talk to {options.Url}: {ex.Message}");
            return Error;
        }
    }

    private static async Task<string?> StartAsync(
        HttpClient http,
        GateOptions options,
        TextWriter output,
        TextWriter error)
    {
        using var response = await http.PostAsJsonAsync("api/experiments", new
        {
            name = options.Name,
            datasetId = options.DatasetId,
            endpointId = options.EndpointId,
            model = options.Model,
            systemPrompt = options.SystemPrompt,
            promptTemplate = options.Prompt,
            temperature = options.Temperature,
            maxTokens = options.MaxTokens,
            evaluators = options.Evaluators,
        });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"The experiment was not started ({(int)response.StatusCode}): "
                + Detail(body.RootElement));
            return null;
        }

        var id = body.RootElement.GetProperty("id").GetString()!;
        await output.WriteLineAsync($"Started experiment {id} on dataset {options.DatasetId}.");
        return id;
    }

    private static async Task<bool> WaitAsync(
        HttpClient http,
        string id,
        TimeSpan timeout,
        TextWriter output,
        TextWriter error)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var lastShown = -1;
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"api/experiments/{id}", UriKind.Relative));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"Experiment {id}: {(int)response.StatusCode} " + Detail(body.RootElement));
                return false;
            }

            var status = body.RootElement.GetProperty("status").GetString();
            var completed = body.RootElement.GetProperty("completed").GetInt32();
            var total = body.RootElement.GetProperty("total").GetInt32();
            if (status is "completed" or "failed")
            {
                return true;
            }

            if (completed != lastShown)
            {
                lastShown = completed;
                await output.WriteLineAsync($"  {status}: {completed}/{total} items");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                await error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Experiment {id} did not finish within {timeout.TotalSeconds:0} s ({completed}/{total})."));
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static string Detail(JsonElement problem)
    {
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return detail ?? problem.GetRawText();
    }
}
