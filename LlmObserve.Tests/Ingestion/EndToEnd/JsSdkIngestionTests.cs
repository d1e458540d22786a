using System.Text.Json.Nodes;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>
/// The official OpenTelemetry JavaScript SDK exports the same GenAI spans as OTLP/HTTP JSON and protobuf; both
/// encodings must give the same stored trace.
/// </summary>
public sealed class JsSdkIngestionTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    public async Task GenAiSpans_FromTheJsSdk_AreStoredWithContentUsageAndHierarchy(string protocol)
    {
        var startMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        var spec = new JsonObject
        {
            ["url"] = new Uri(_app.BaseAddress, "v1/traces").ToString(),
            ["headers"] = new JsonObject { ["Authorization"] = $"Bearer {RunningApp.SecretKey}" },
            ["protocol"] = protocol,
            ["resource"] = new JsonObject { ["service.name"] = "js-bot", ["deployment.environment.name"] = "dev" },
            ["spans"] = new JsonArray
            {
                new JsonObject
                {
                    ["name"] = "answer-question", ["startMs"] = startMs, ["endMs"] = startMs + 1500,
                    ["attributes"] = new JsonObject { ["session.id"] = "js-sess", ["user.id"] = "js-user" },
                },
                new JsonObject
                {
                    ["name"] = "chat gemini-2.5-flash", ["kind"] = "client", ["parent"] = 0,
                    ["startMs"] = startMs + 200, ["endMs"] = startMs + 1400,
                    ["attributes"] = new JsonObject
                    {
                        ["gen_ai.operation.name"] = "chat",
                        ["gen_ai.provider.name"] = "gcp.gemini",
                        ["gen_ai.request.model"] = "gemini-2.5-flash",
                        ["gen_ai.usage.input_tokens"] = 321,
                        ["gen_ai.usage.output_tokens"] = 45,
                        ["gen_ai.request.top_p"] = 0.9,
                        ["gen_ai.input.messages"] =
                            """[{"role":"user","parts":[{"type":"text","content":"Résumé des conditions ? 🚚"}]}]""",
                        ["gen_ai.output.messages"] =
                            """[{"role":"assistant","parts":[{"type":"text","content":"Livraison en 2 jours."}]}]""",
                    },
                    ["events"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["name"] = "first_token", ["timeMs"] = startMs + 600,
                            ["attributes"] = new JsonObject { ["note"] = "streamed" },
                        },
                    },
                },
            },
        };

        var ids = await JsOtelClient.SendAsync(spec);
        var trace = await TraceApi.WaitForTraceAsync(_client, ids[0].TraceId, 2);

        Assert.Equal(ids[0].TraceId, trace.TraceId);
        Assert.Equal("answer-question", trace.Name);
        Assert.Equal("js-sess", trace.SessionId);
        Assert.Equal("dev", trace.Environment);
        Assert.Equal(1500, trace.LatencyMs, precision: 3);
        var chat = Assert.Single(trace.Spans, s => s.SpanId == ids[1].SpanId);
        Assert.Equal(ids[0].SpanId, chat.ParentSpanId);
        Assert.Equal(SpanType.Generation, chat.Type);
        Assert.Equal("gemini-2.5-flash", chat.Model);
        Assert.Equal(321, chat.Usage.Input);
        Assert.Equal(45, chat.Usage.Output);
        Assert.Equal(0.9, chat.Parameters!.Value.GetProperty("top_p").GetDouble());
        Assert.Equal("Résumé des conditions ? 🚚", chat.InputMessages![0].Content);
        Assert.Equal("Livraison en 2 jours.", chat.OutputText);
        var firstToken = Assert.Single(chat.Events, e => e.Name == "first_token");
        Assert.Equal((startMs + 600) * 1_000_000, firstToken.TimeUnixNano);
        Assert.Equal("js-bot", chat.ServiceName);
    }
}
