using System.Diagnostics;
using System.Net.Http.Json;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>
/// An application instrumented with the official OpenTelemetry .NET SDK exports OTLP/HTTP protobuf to the app on
/// Kestrel; every mapped field is read back through the public API.
/// </summary>
public sealed class DotNetSdkIngestionTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, object>[] Resource =
    [
        new("service.name", "rag-bot"),
        new("service.version", "2.3.1"),
        new("deployment.environment.name", "staging"),
    ];

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

    [Fact]
    public async Task GenAiConventions_AgentWithRetrievalChatAndTool_EveryFieldReadBack()
    {
        using var otel = new DotNetOtelClient(_app.BaseAddress, RunningApp.SecretKey, Resource);
        var t0 = DateTimeOffset.UtcNow.AddSeconds(-10);
        string traceId;
        using (var agent = otel.Start("invoke_agent support", tags: Tags(
            ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "support"),
            ("session.id", "sess-42"), ("user.id", "user-7")), startTime: t0))
        {
            traceId = agent.TraceId.ToHexString();
            using (var chat = otel.Start("chat gpt-4o", agent.Context, ActivityKind.Client, Tags(
                ("gen_ai.operation.name", "chat"),
                ("gen_ai.provider.name", "openai"),
                ("gen_ai.request.model", "gpt-4o"),
                ("gen_ai.response.model", "gpt-4o-2024-08-06"),
                ("gen_ai.request.temperature", 0.2),
                ("gen_ai.request.max_tokens", 512L),
                ("gen_ai.usage.input_tokens", 1200L),
                ("gen_ai.usage.output_tokens", 80L),
                ("gen_ai.usage.cache_read.input_tokens", 1000L),
                ("gen_ai.response.id", "chatcmpl-1"),
                ("gen_ai.response.finish_reasons", new[] { "tool_calls" }),
                ("gen_ai.system_instructions", """[{"type":"text","content":"Answer from the context only."}]"""),
                ("gen_ai.input.messages",
                    """[{"role":"user","parts":[{"type":"text","content":"Where is order 1234?"}]}]"""),
                ("gen_ai.output.messages",
                    """[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"lookup_order","arguments":{"id":"1234"}}],"finish_reason":"tool_call"}]"""),
                ("session.id", "sess-42"), ("user.id", "user-7")), t0.AddMilliseconds(100)))
            {
                chat.SetEndTime(t0.AddMilliseconds(900).UtcDateTime);
            }

            using (var tool = otel.Start("execute_tool lookup_order", agent.Context, tags: Tags(
                ("gen_ai.operation.name", "execute_tool"),
                ("gen_ai.tool.name", "lookup_order"),
                ("gen_ai.tool.call.id", "call_1"),
                ("gen_ai.tool.call.arguments", """{"id":"1234"}"""),
                ("gen_ai.tool.call.result", """{"status":"shipped"}""")), startTime: t0.AddMilliseconds(950)))
            {
                tool.SetEndTime(t0.AddMilliseconds(1000).UtcDateTime);
            }

            using (var failing = otel.Start("chat gpt-4o-mini", agent.Context, ActivityKind.Client, Tags(
                ("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"),
                ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.usage.prompt_tokens", 30L)),
                t0.AddMilliseconds(1100)))
            {
                failing.AddException(new TimeoutException("The model did not answer within 30 s."));
                failing.SetStatus(ActivityStatusCode.Error, "upstream timeout");
                failing.SetEndTime(t0.AddMilliseconds(1500).UtcDateTime);
            }

            agent.SetEndTime(t0.AddMilliseconds(2000).UtcDateTime);
        }

        Assert.True(otel.Flush());
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 4);

        Assert.Equal("invoke_agent support", trace.Name);
        Assert.Equal("sess-42", trace.SessionId);
        Assert.Equal("user-7", trace.UserId);
        Assert.Equal("staging", trace.Environment);
        Assert.Equal(SpanStatus.Error, trace.Status);
        Assert.Equal(2000, trace.LatencyMs, precision: 3);
        Assert.Equal(4, trace.SpanCount);
        Assert.False(trace.RootMissing);
        Assert.Contains("gpt-4o-2024-08-06", trace.Models);
        Assert.Equal(1230, trace.Tokens.Input);
        Assert.Equal(80, trace.Tokens.Output);
        Assert.Equal(1000, trace.Tokens.Cached);

        var agentSpan = Assert.Single(trace.Spans, s => s.ParentSpanId is null);
        Assert.Equal(SpanType.Agent, agentSpan.Type);
        Assert.Equal("rag-bot", agentSpan.ServiceName);
        Assert.Equal("2.3.1", agentSpan.Version);

        var chatSpan = Assert.Single(trace.Spans, s => s.Name == "chat gpt-4o");
        Assert.Equal(SpanType.Generation, chatSpan.Type);
        Assert.Equal(agentSpan.SpanId, chatSpan.ParentSpanId);
        Assert.Equal("client", chatSpan.Kind);
        Assert.Equal("openai", chatSpan.Provider);
        Assert.Equal("gpt-4o", chatSpan.RequestModel);
        Assert.Equal("gpt-4o-2024-08-06", chatSpan.ResponseModel);
        Assert.Equal("gpt-4o-2024-08-06", chatSpan.Model);
        Assert.Equal(0.2, chatSpan.Parameters!.Value.GetProperty("temperature").GetDouble());
        Assert.Equal(512, chatSpan.Parameters!.Value.GetProperty("max_tokens").GetInt64());
        Assert.Equal(new SpanUsage(1200, 80, 1000, null, null, 1280, false), chatSpan.Usage);
        Assert.Equal("chatcmpl-1", chatSpan.ResponseId);
        Assert.Equal(["tool_calls"], chatSpan.FinishReasons);
        Assert.Equal(800, chatSpan.DurationMs, precision: 3);
        Assert.Equal(["system", "user"], chatSpan.InputMessages!.Select(m => m.Role));
        Assert.Equal("Answer from the context only.", chatSpan.InputMessages![0].Content);
        Assert.Equal("Where is order 1234?", chatSpan.InputMessages![1].Content);
        var call = Assert.Single(Assert.Single(chatSpan.OutputMessages!).ToolCalls!);
        Assert.Equal("lookup_order", call.Name);
        Assert.Equal("call_1", call.Id);
        Assert.Contains("1234", call.Arguments, StringComparison.Ordinal);
        Assert.Equal("sess-42", chatSpan.SessionId);

        var toolSpan = Assert.Single(trace.Spans, s => s.Type == SpanType.Tool);
        Assert.Equal("lookup_order", toolSpan.Tool!.Name);
        Assert.Equal("call_1", toolSpan.Tool.CallId);
        Assert.Equal("""{"id":"1234"}""", toolSpan.Tool.Arguments);
        Assert.Equal("""{"status":"shipped"}""", toolSpan.Tool.Result);

        var failed = Assert.Single(trace.Spans, s => s.Status == SpanStatus.Error);
        Assert.Equal("upstream timeout", failed.StatusMessage);
        Assert.Equal("openai", failed.Provider);
        Assert.Equal(30, failed.Usage.Input);
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Contains("did not answer", exception.Attributes!.Value.GetProperty("exception.message").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenInferenceConventions_RetrieverAndLlmSpans_DocumentsMessagesAndUsageReadBack()
    {
        using var otel = new DotNetOtelClient(_app.BaseAddress, RunningApp.SecretKey, Resource);
        string traceId;
        using (var chain = otel.Start("rag", tags: Tags(
            ("openinference.span.kind", "CHAIN"), ("input.value", "How do refunds work?"),
            ("output.value", "Refunds take 5 days."), ("session.id", "oi-sess"), ("user.id", "oi-user"),
            ("metadata", """{"tenant":"acme"}"""), ("tag.tags", new[] { "rag", "beta" }))))
        {
            traceId = chain.TraceId.ToHexString();
            using (otel.Start("retrieve", chain.Context, tags: Tags(
                ("openinference.span.kind", "RETRIEVER"), ("input.value", "refund policy"),
                ("retrieval.documents.0.document.id", "kb-12"),
                ("retrieval.documents.0.document.content", "Refunds are paid within 5 days."),
                ("retrieval.documents.0.document.score", 0.91),
                ("retrieval.documents.1.document.id", "kb-40"),
                ("retrieval.documents.1.document.content", "Shipping takes 2 days."),
                ("retrieval.documents.1.document.score", 0.42))))
            {
            }

            using (otel.Start("ChatCompletion", chain.Context, tags: Tags(
                ("openinference.span.kind", "LLM"), ("llm.model_name", "claude-sonnet-4"),
                ("llm.provider", "anthropic"), ("llm.invocation_parameters", """{"temperature":0,"max_tokens":300}"""),
                ("llm.input_messages.0.message.role", "system"),
                ("llm.input_messages.0.message.content", "Use the context."),
                ("llm.input_messages.1.message.role", "user"),
                ("llm.input_messages.1.message.content", "How do refunds work?"),
                ("llm.output_messages.0.message.role", "assistant"),
                ("llm.output_messages.0.message.content", "Refunds take 5 days."),
                ("llm.token_count.prompt", 210L), ("llm.token_count.completion", 12L),
                ("llm.token_count.total", 222L))))
            {
            }
        }

        Assert.True(otel.Flush());
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 3);

        Assert.Equal("oi-sess", trace.SessionId);
        Assert.Equal("oi-user", trace.UserId);
        Assert.Equal(["beta", "rag"], trace.Tags.Order());
        Assert.Equal("acme", trace.Metadata!.Value.GetProperty("tenant").GetString());
        Assert.Equal("How do refunds work?", trace.Input);
        Assert.Equal("Refunds take 5 days.", trace.Output);
        var retriever = Assert.Single(trace.Spans, s => s.Type == SpanType.Retrieval);
        Assert.Equal(["kb-12", "kb-40"], retriever.Documents!.Select(d => d.Id));
        Assert.Equal(0.91, retriever.Documents![0].Score);
        Assert.Equal("Refunds are paid within 5 days.", retriever.Documents[0].Content);
        var llm = Assert.Single(trace.Spans, s => s.Type == SpanType.Generation);
        Assert.Equal("claude-sonnet-4", llm.Model);
        Assert.Equal("anthropic", llm.Provider);
        Assert.Equal(300, llm.Parameters!.Value.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["system", "user"], llm.InputMessages!.Select(m => m.Role));
        Assert.Equal("Refunds take 5 days.", Assert.Single(llm.OutputMessages!).Content);
        Assert.Equal(210, llm.Usage.Input);
        Assert.Equal(12, llm.Usage.Output);
        Assert.Equal(222, llm.Usage.Total);
    }

    [Fact]
    public async Task LangfuseConventions_ToTheLangfusePath_TraceAndObservationAttributesReadBack()
    {
        using var otel = new DotNetOtelClient(
            _app.BaseAddress, RunningApp.SecretKey, Resource, path: "api/public/otel/v1/traces");
        string traceId;
        using (var root = otel.Start("handler", tags: Tags(
            ("langfuse.trace.name", "checkout-assistant"), ("langfuse.session.id", "lf-sess"),
            ("langfuse.user.id", "lf-user"), ("langfuse.environment", "production"), ("langfuse.release", "r-9"),
            ("langfuse.trace.tags", new[] { "checkout" }), ("langfuse.trace.input", "Can I pay later?"),
            ("langfuse.trace.output", "Yes, with invoice."))))
        {
            traceId = root.TraceId.ToHexString();
            using (otel.Start("llm-call", root.Context, tags: Tags(
                ("langfuse.observation.type", "generation"),
                ("langfuse.observation.model.name", "mistral-large"),
                ("langfuse.observation.model.parameters", """{"temperature":0.7}"""),
                ("langfuse.observation.input", """[{"role":"user","content":"Can I pay later?"}]"""),
                ("langfuse.observation.output", "Yes, with invoice."),
                ("langfuse.observation.usage_details", """{"input":40,"output":6}"""),
                ("langfuse.observation.cost_details", """{"input":0.0004,"output":0.0002}"""),
                ("langfuse.observation.prompt.name", "checkout-v2"),
                ("langfuse.observation.prompt.version", 3L))))
            {
            }
        }

        Assert.True(otel.Flush());
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 2);

        Assert.Equal("checkout-assistant", trace.Name);
        Assert.Equal("lf-sess", trace.SessionId);
        Assert.Equal("lf-user", trace.UserId);
        Assert.Equal("production", trace.Environment);
        Assert.Equal("r-9", trace.Release);
        Assert.Equal(["checkout"], trace.Tags);
        Assert.Equal("Can I pay later?", trace.Input);
        Assert.Equal("Yes, with invoice.", trace.Output);
        var generation = Assert.Single(trace.Spans, s => s.Type == SpanType.Generation);
        Assert.Equal("mistral-large", generation.Model);
        Assert.Equal(0.7, generation.Parameters!.Value.GetProperty("temperature").GetDouble());
        Assert.Equal(40, generation.Usage.Input);
        Assert.Equal(6, generation.Usage.Output);
        Assert.Equal(0.0006, generation.Cost!.Value, precision: 9);
        Assert.True(generation.CostReported);
        Assert.Equal("checkout-v2", generation.Prompt!.Name);
        Assert.Equal("3", generation.Prompt.Version);
        Assert.Equal("Yes, with invoice.", generation.OutputText);
    }

    [Fact]
    public async Task TraceList_AfterSdkExport_FindsTheTraceBySessionAndModel()
    {
        using var otel = new DotNetOtelClient(_app.BaseAddress, RunningApp.SecretKey, Resource);
        string traceId;
        using (var chat = otel.Start("chat", tags: Tags(
            ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4.1-nano"), ("session.id", "list-sess"))))
        {
            traceId = chat.TraceId.ToHexString();
        }

        Assert.True(otel.Flush());
        await TraceApi.WaitForTraceAsync(_client, traceId, 1);

        var bySession = await _client.GetFromJsonAsync<TracePage>("api/traces?sessionId=list-sess", TraceApi.Json);
        var byModel = await _client.GetFromJsonAsync<TracePage>("api/traces?model=gpt-4.1-nano", TraceApi.Json);
        var other = await _client.GetFromJsonAsync<TracePage>("api/traces?sessionId=nobody", TraceApi.Json);

        Assert.Equal(traceId, Assert.Single(bySession!.Data).TraceId);
        Assert.Equal(traceId, Assert.Single(byModel!.Data).TraceId);
        Assert.Empty(other!.Data);
    }

    private static KeyValuePair<string, object?>[] Tags(params (string Key, object Value)[] tags)
        => [.. tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value))];
}
