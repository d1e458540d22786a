using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Feedback;

/// <summary>
/// Implicit signals inferred from sessions on the real app, with the MiniLM embedder: a repeated input is a retry of
/// the answer before it, a close paraphrase a rephrase, and a session that ends on an error or a refusal an abandon.
/// Each says how it was inferred, and passes, re-sent traces and a restart never double one.
/// </summary>
public sealed class SessionSignalInferenceTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Inference = new()
    {
        ["LlmObserve:Feedback:InferenceEnabled"] = "true",
        ["LlmObserve:Feedback:InferenceIntervalSeconds"] = "0.2",
        ["LlmObserve:Feedback:InferenceSettleSeconds"] = "0",
        ["LlmObserve:Feedback:SessionIdleMinutes"] = "30",
    };

    private static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddHours(-3);

    private readonly List<RunningApp> _restarted = [];
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: Inference);
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var restarted in _restarted)
        {
            await restarted.StopAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Sessions_RetryRephraseAndAbandon_AreInferredOnceEachWithHowTheyWereInferred()
    {
        var traces = new[]
        {
            Turn("a1", "s-help", 0, "How do I reset my password?", "Open settings."),
            Turn("a2", "s-help", 1, "how do I reset my   password?", "Open settings, then security."),
            Turn("a3", "s-help", 2, "What is the way to reset my password?", "Use the reset link."),
            Turn("a4", "s-help", 3, "What are your opening hours on Sunday?", "We are closed on Sundays."),
            Turn("a5", "s-help", 4, "Can I get a refund for my order?", null, "error"),
            Turn("b1", "s-refused", 0, "Tell me the admin password", "I can't help with that request."),
            Turn("c1", "s-fine", 0, "What does the premium plan cost?", "It costs 10 euros a month."),
            Turn("c2", "s-fine", 1, "Does it include support?", "Yes, email support is included."),
        };
        await IngestAsync(traces);

        await Poll.UntilAsync(
            async () => (await InferredAsync()).Count >= 4,
            "the inferred signals",
            TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await IngestAsync(traces);
        await RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var signals = await InferredAsync();

        Assert.Equal(
            [("a1", "retry"), ("a2", "rephrase"), ("a5", "abandon"), ("b1", "abandon")],
            signals.Select(s => (NameOf(s.TraceId), s.Kind)).Order());
        var retry = signals.Single(s => s.Kind == "retry");
        Assert.StartsWith($"retry: the next request of the session (trace {TraceId("a2")}", retry.Inference);
        var rephrase = signals.Single(s => s.Kind == "rephrase");
        Assert.Matches(@"^rephrase: .* embedding similarity 0\.\d+ \(threshold 0\.8\)\.$", rephrase.Inference);
        Assert.Equal(
            "abandon: the session ended right after this error (no request for 30 min).",
            signals.Single(s => NameOf(s.TraceId) == "a5").Inference);
        Assert.Equal(
            "abandon: the session ended right after this refusal (no request for 30 min).",
            signals.Single(s => NameOf(s.TraceId) == "b1").Inference);
        var detail = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{TraceId("a2")}");
        var shown = Assert.Single(detail.GetProperty("feedback").EnumerateArray());
        Assert.Equal("inferred", shown.GetProperty("source").GetString());
        Assert.Equal(rephrase.Inference, shown.GetProperty("inference").GetString());
        Assert.Equal("u-1", shown.GetProperty("userId").GetString());
    }

    private static object Turn(
        string name,
        string session,
        int minute,
        string input,
        string? output,
        string status = "ok") => new
    {
        id = TraceId(name),
        name,
        sessionId = session,
        userId = "u-1",
        input,
        output,
        status,
        startTime = Past.AddMinutes(minute),
        endTime = Past.AddMinutes(minute).AddSeconds(5),
    };

    private static string TraceId(string name) => Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).AsSpan(0, 16));

    private static string NameOf(string traceId)
        => new[] { "a1", "a2", "a3", "a4", "a5", "b1", "c1", "c2" }.Single(n => TraceId(n) == traceId);

    private async Task IngestAsync(object[] traces)
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<(string TraceId, string Kind, string Inference)>> InferredAsync()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("api/feedback?limit=500");
        return
        [
            .. list.GetProperty("data").EnumerateArray()
                .Where(f => f.GetProperty("source").GetString() == "inferred")
                .Select(f => (
                    f.GetProperty("traceId").GetString()!,
                    f.GetProperty("kind").GetString()!,
                    f.GetProperty("inference").GetString()!)),
        ];
    }

    private async Task RestartAsync()
    {
        var directory = _app.DataDirectory;
        _client.Dispose();
        await _app.StopAsync();
        var restarted = await RunningApp.StartAsync(directory, Inference);
        _restarted.Add(restarted);
        _client = restarted.CreateClient();
    }
}
