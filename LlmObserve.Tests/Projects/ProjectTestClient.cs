using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;

namespace LlmObserve.Tests.Projects;

/// <summary>One trace sent by the native API: a root and one generation, a score and a thumbs-up.</summary>
internal sealed record SentTrace(string TraceId, DateTimeOffset Start, string UserId);

/// <summary>Sends traces to a running app with a given project key, and reads the store's file.</summary>
internal static class ProjectTestClient
{
    public static HttpClient Client(RunningApp app, string secretKey)
    {
        var client = app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        return client;
    }

    public static string DatabasePath(RunningApp app) => Path.Combine(app.DataDirectory, "llmobserve.db");

    /// <summary>Traces started at the given times, each with two spans, a score and a feedback.</summary>
    public static IReadOnlyList<SentTrace> Build(IEnumerable<DateTimeOffset> starts, string userPrefix)
        => [.. starts.Select((start, i) => new SentTrace(OtlpRequests.NewTraceId(), start, $"{userPrefix}-{i}"))];

    public static StringContent Body(IReadOnlyList<SentTrace> traces)
    {
        var body = new
        {
            traces = traces.Select(t => new
            {
                id = t.TraceId,
                name = "chat",
                userId = t.UserId,
                sessionId = "s-" + t.UserId,
                startTime = t.Start.ToString("O"),
                endTime = t.Start.AddSeconds(1).ToString("O"),
                input = "question of " + t.UserId,
                output = "answer",
                spans = new[]
                {
                    new
                    {
                        id = OtlpRequests.NewSpanId(),
                        name = "llm",
                        type = "generation",
                        model = "gpt-4o-mini",
                        startTime = t.Start.ToString("O"),
                        endTime = t.Start.AddSeconds(1).ToString("O"),
                        input = "q",
                        output = "a",
                    },
                },
            }),
            scores = traces.Select(t => new { traceId = t.TraceId, name = "helpful", value = 1 }),
            feedback = traces.Select(t => new { traceId = t.TraceId, kind = "thumbs", value = 1 }),
        };
        return new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, IReadOnlyList<SentTrace> traces)
        => await client.PostAsync(new Uri("api/ingest", UriKind.Relative), Body(traces));

    /// <summary>Sends and requires success: what follows relies on the traces being committed.</summary>
    public static async Task SendOkAsync(HttpClient client, IReadOnlyList<SentTrace> traces)
    {
        using var response = await SendAsync(client, traces);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
