using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Tests.Alerts;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Security;

/// <summary>
/// One running app with every log category turned up to Trace, as an operator chasing a fault would, through a
/// broad scenario: ingestion over OTLP and the native API with a key, a malformed batch, a wrong key, a trace
/// search, feedback, a judge endpoint with a key that cannot be reached, a Slack-style webhook whose secret URL
/// answers 500, and an SMTP channel with a password whose server is gone. No key, password, webhook secret, prompt
/// or comment used may appear in any log message, its structured values, its scopes or its exception.
/// </summary>
public sealed class SecretFreeLogTests : IAsyncLifetime
{
    private const string Prompt = "PROMPT-zebra-quartz-7731 my card is 4111 and my password is hunter2";
    private const string Answer = "ANSWER-lantern-oboe-5519";
    private const string OtlpPrompt = "OTLP-PROMPT-walnut-tundra-2291";
    private const string FeedbackComment = "COMMENT-marigold-sextant-4417";
    private const string WrongKey = "sk-lo-WRONG-key-0f9e8d7c6b5a";
    private const string JudgeKey = "sk-judge-LOG-SCENARIO-a1b2c3d4e5";
    private const string WebhookSecret = "T0SECRET/B0SECRET/xoxbWEBHOOKtoken42";
    private const string SmtpPassword = "smtp-P4ssw0rd-NEVER-LOG-8812";

    private static readonly string[] Secrets =
    [
        RunningApp.SecretKey, Prompt, "hunter2", Answer, OtlpPrompt, FeedbackComment, WrongKey, JudgeKey,
        WebhookSecret, "xoxbWEBHOOKtoken42", SmtpPassword,
    ];

    private readonly CapturingProvider _logs = new();
    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = await RunningApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
                ["Logging:LogLevel:Quartz"] = "Trace",
                ["Logging:LogLevel:System"] = "Trace",
            },
            configure: builder => builder.Logging.AddProvider(_logs));
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task BroadScenario_AtTraceLevel_LogsNoKeyPasswordWebhookSecretOrPrompt()
    {
        var traceId = await IngestNativeAsync();
        await IngestOtlpAsync();
        await SendMalformedAndWronglyKeyedAsync();
        await SearchAndSendFeedbackAsync(traceId);
        await SaveUnreachableJudgeAsync();
        await TestFailingWebhookAsync();
        await TestGoneSmtpAsync();

        var entries = _logs.Entries;
        Assert.Contains(entries, e => e.Category == "Microsoft.EntityFrameworkCore.Database.Command");
        Assert.Contains(entries, e => e.Category == "LlmObserve.Core.Evaluation.Judge.JudgeClient");
        Assert.Contains(entries, e => e.Level == LogLevel.Trace);
        var leaks = entries
            .SelectMany(e => Secrets.Where(s => e.Text.Contains(s, StringComparison.Ordinal))
                .Select(s => $"{e.Level} {e.Category} holds '{s[..6]}…': {e.Text[..Math.Min(e.Text.Length, 400)]}"))
            .ToList();
        Assert.True(
            leaks.Count == 0,
            $"{leaks.Count} of {entries.Count} log events leak:\n" + string.Join("\n", leaks));
    }

    private async Task<string> IngestNativeAsync()
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[]
            {
                new
                {
                    name = "support-chat",
                    sessionId = "log-session",
                    userId = "log-user",
                    input = Prompt,
                    output = Answer,
                    spans = new[] { new { name = "chat", type = "generation", model = "gpt-4o-mini", input = Prompt } },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("traceIds")[0].GetString()!;
    }

    private async Task IngestOtlpAsync()
    {
        var span = OtlpRequests.Span(OtlpRequests.NewTraceId(), OtlpRequests.NewSpanId(), "chat otlp")
            .WithAttribute("gen_ai.prompt.0.role", "user")
            .WithAttribute("gen_ai.prompt.0.content", OtlpPrompt)
            .WithAttribute("input.value", OtlpPrompt);
        using var content = new ByteArrayContent(OtlpRequests.Request(span).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await _client.PostAsync("v1/traces", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task SendMalformedAndWronglyKeyedAsync()
    {
        var truncated = "{\"traces\":[{\"name\":\"x\",\"input\":\"" + Prompt + "\",\"output\":";
        using var malformed = await _client.PostAsync(
            "api/ingest",
            new StringContent(truncated, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        using var wrong = new HttpClient { BaseAddress = _app.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
        using var refused = await wrong.PostAsJsonAsync(
            "api/ingest",
            new { traces = new[] { new { input = Prompt } } });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(RunningApp.PublicKey + ":" + WrongKey));
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        using var otlp = new ByteArrayContent([0x0a, 0x02, 0x0a]);
        otlp.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var refusedOtlp = await wrong.PostAsync("v1/traces", otlp);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedOtlp.StatusCode);
    }

    private async Task SearchAndSendFeedbackAsync(string traceId)
    {
        using var search = await _client.GetAsync("api/traces?search=" + Uri.EscapeDataString("zebra-quartz-7731"));
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        using var feedback = await _client.PostAsJsonAsync("api/feedback", new
        {
            traceId,
            kind = "comment",
            comment = FeedbackComment,
        });
        Assert.True(feedback.IsSuccessStatusCode, await feedback.Content.ReadAsStringAsync());
    }

    private async Task SaveUnreachableJudgeAsync()
    {
        using var response = await _client.PostAsJsonAsync("api/judge-endpoints", new
        {
            name = "gone judge",
            provider = "openai-compatible",
            baseUrl = $"http://127.0.0.1:{ClosedPort()}/v1",
            model = "judge-model",
            apiKey = JudgeKey,
            timeoutSeconds = 5,
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, text);
        Assert.DoesNotContain(JudgeKey, text, StringComparison.Ordinal);
    }

    private async Task TestFailingWebhookAsync()
    {
        var url = new Uri(_receiver.BaseAddress, "services/" + WebhookSecret);
        using var created = await _client.PostAsJsonAsync(
            "api/alerts/channels",
            new { name = "slack", kind = "slack", url = url.ToString() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        _receiver.AnswerNext(500);

        using var tested = await _client.PostAsync($"api/alerts/channels/{id}/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, tested.StatusCode);
    }

    private async Task TestGoneSmtpAsync()
    {
        using var created = await _client.PostAsJsonAsync("api/alerts/channels", new
        {
            name = "mail",
            kind = "email",
            smtpHost = "127.0.0.1",
            smtpPort = ClosedPort(),
            smtpUser = "alerts",
            smtpPassword = SmtpPassword,
            emailFrom = "alerts@example.test",
            emailTo = "team@example.test",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var tested = await _client.PostAsync($"api/alerts/channels/{id}/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, tested.StatusCode);
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed record Entry(LogLevel Level, string Category, string Text);

    /// <summary>Keeps every event with its message, structured values, scopes and exception.</summary>
    private sealed class CapturingProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();
        private readonly AsyncLocal<string?> _scopes = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, CapturingProvider owner) : ILogger
        {
            public IDisposable BeginScope<TState>(TState state)
                where TState : notnull
            {
                var outer = owner._scopes.Value;
                owner._scopes.Value = outer + " => " + Describe(state);
                return new Restore(owner._scopes, outer);
            }

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(
                LogLevel logLevel,
                EventId eventId,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> formatter)
                => owner._entries.Enqueue(new Entry(
                    logLevel,
                    category,
                    $"{formatter(state, exception)}\n{Describe(state)}\n{exception}\n{owner._scopes.Value}"));

            private static string Describe<TState>(TState state)
                => state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join("; ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                    : state?.ToString() ?? string.Empty;
        }

        private sealed class Restore(AsyncLocal<string?> scopes, string? outer) : IDisposable
        {
            public void Dispose() => scopes.Value = outer;
        }
    }
}
