using System.Text.Json;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>OTel GenAI spans as instrumentations emit them (CONVENTIONS.md §1).</summary>
public sealed class GenAiMappingTests
{
    private static KeyValue[] ChatSpanScalars =>
    [
        A("gen_ai.operation.name", "chat"),
        A("gen_ai.provider.name", "openai"),
        A("gen_ai.request.model", "gpt-4o"),
        A("gen_ai.response.model", "gpt-4o-2024-08-06"),
        A("gen_ai.request.temperature", 0.2),
        A("gen_ai.request.max_tokens", 512L),
        A("gen_ai.request.stop_sequences", Arr(Str("END"))),
        A("gen_ai.response.id", "chatcmpl-123"),
        A("gen_ai.response.finish_reasons", Arr(Str("tool_call"))),
        A("gen_ai.conversation.id", "conv-7"),
        A("gen_ai.usage.input_tokens", 1000L),
        A("gen_ai.usage.output_tokens", 30L),
        A("gen_ai.usage.cache_read.input_tokens", 800L),
        A("gen_ai.response.time_to_first_chunk", 0.25),
    ];

    [Fact]
    public void Map_ChatSpanWithJsonStringContent_FillsModelMessagesUsage()
    {
        var span = SpanWith([
            .. ChatSpanScalars,
            A("gen_ai.system_instructions", """[{"type":"text","content":"You are a weather bot."}]"""),
            A("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]"""),
            A("gen_ai.output.messages", """
                [{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather",
                  "arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]
                """),
            A("gen_ai.tool.definitions", """
                [{"type":"function","name":"get_weather","parameters":{"type":"object"}}]
                """),
        ]);

        var entity = MapOne(span);

        AssertChatSpan(entity);
    }

    [Fact]
    public void Map_ChatSpanWithStructuredContent_MapsLikeJsonText()
    {
        var span = SpanWith([
            .. ChatSpanScalars,
            A("gen_ai.system_instructions", Arr(Kv(A("type", "text"), A("content", "You are a weather bot.")))),
            A("gen_ai.input.messages", Arr(Kv(
                A("role", "user"),
                A("parts", Arr(Kv(A("type", "text"), A("content", "Weather in Paris?"))))))),
            A("gen_ai.output.messages", Arr(Kv(
                A("role", "assistant"),
                A("parts", Arr(Kv(
                    A("type", "tool_call"),
                    A("id", "call_1"),
                    A("name", "get_weather"),
                    A("arguments", Kv(A("city", "Paris")))))),
                A("finish_reason", "tool_call")))),
            A("gen_ai.tool.definitions", Arr(Kv(
                A("type", "function"), A("name", "get_weather"), A("parameters", Kv(A("type", "object")))))),
        ]);

        var entity = MapOne(span);

        AssertChatSpan(entity);
    }

    private static void AssertChatSpan(SpanEntity entity)
    {
        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("client", entity.Kind);
        Assert.Equal("gpt-4o-2024-08-06", entity.Model);
        Assert.Equal("gpt-4o", entity.RequestModel);
        Assert.Equal("gpt-4o-2024-08-06", entity.ResponseModel);
        Assert.Equal("openai", entity.Provider);
        Assert.Equal("""{"temperature":0.2,"max_tokens":512,"stop":["END"]}""", entity.ParametersJson);

        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(["system", "user"], input.Select(m => m.Role));
        Assert.Equal("You are a weather bot.", input[0].Content);
        Assert.Equal("Weather in Paris?", input[1].Content);
        var output = Assert.Single(Messages(entity.OutputMessagesJson));
        Assert.Equal("assistant", output.Role);
        Assert.Equal("tool_call", output.FinishReason);
        var call = Assert.Single(output.ToolCalls!);
        Assert.Equal(("call_1", "get_weather", """{"city":"Paris"}"""), (call.Id, call.Name, call.Arguments));

        Assert.Equal("Weather in Paris?", entity.InputText);
        Assert.Equal("""get_weather({"city":"Paris"})""", entity.OutputText);
        Assert.Equal("""["tool_call"]""", entity.FinishReasonsJson);
        Assert.Equal("chatcmpl-123", entity.ResponseId);
        Assert.Equal("conv-7", entity.SessionId);
        Assert.Equal((long)StartNanos + 250_000_000, entity.CompletionStartUnixNano);
        Assert.Equal((1000L, 30L, 800L, 1030L), (entity.InputTokens, entity.OutputTokens, entity.CacheReadTokens,
            entity.TotalTokens));
        Assert.False(entity.UsageEstimated);
        Assert.Contains("\"name\":\"get_weather\"", entity.ToolDefinitionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_V126ContentEvents_ReadsPromptAndCompletion()
    {
        var span = SpanWith(
            A("gen_ai.system", "openai"),
            A("gen_ai.request.model", "gpt-3.5-turbo"),
            A("gen_ai.usage.prompt_tokens", 12L),
            A("gen_ai.usage.completion_tokens", 5L));
        span.Events.Add(Event("gen_ai.content.prompt", A("gen_ai.prompt", """
            [{"role":"system","content":"Be terse."},{"role":"user","content":"Say hi"}]
            """)));
        span.Events.Add(Event("gen_ai.content.completion", A("gen_ai.completion", """
            [{"role":"assistant","content":"Hi!"}]
            """)));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("gpt-3.5-turbo", entity.Model);
        Assert.Equal(["system", "user"], Messages(entity.InputMessagesJson).Select(m => m.Role));
        Assert.Equal("Say hi", entity.InputText);
        Assert.Equal("Hi!", Assert.Single(Messages(entity.OutputMessagesJson)).Content);
        Assert.Equal("Hi!", entity.OutputText);
        Assert.Equal((12L, 5L, 17L), (entity.InputTokens, entity.OutputTokens, entity.TotalTokens));
    }

    [Fact]
    public void Map_PerMessageEvents_RebuildsConversationAndChoices()
    {
        var span = SpanWith(A("gen_ai.system", "az.ai.openai"));
        span.Events.Add(Event("gen_ai.system.message", A("gen_ai.system", "az.ai.openai"), A("content", "Use tools.")));
        span.Events.Add(Event("gen_ai.user.message", A("content", "What is 2+2?")));
        span.Events.Add(Event("gen_ai.assistant.message", A("tool_calls", Arr(Kv(
            A("id", "call_9"),
            A("type", "function"),
            A("function", Kv(A("name", "calc"), A("arguments", """{"expr":"2+2"}"""))))))));
        span.Events.Add(Event("gen_ai.tool.message", A("content", "4"), A("id", "call_9")));
        span.Events.Add(Event("gen_ai.choice", A("index", 1L), A("finish_reason", "length"),
            A("message", """{"content":"Four, which is"}""")));
        span.Events.Add(Event("gen_ai.choice", A("index", 0L), A("finish_reason", "stop"),
            A("message", Kv(A("role", "assistant"), A("content", "4")))));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("azure.ai.openai", entity.Provider);
        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(["system", "user", "assistant", "tool"], input.Select(m => m.Role));
        Assert.Equal(("calc", """{"expr":"2+2"}"""), (input[2].ToolCalls![0].Name, input[2].ToolCalls![0].Arguments));
        Assert.Equal(("4", "call_9"), (input[3].Content, input[3].ToolCallId));
        var output = Messages(entity.OutputMessagesJson);
        Assert.Equal(["4", "Four, which is"], output.Select(m => m.Content));
        Assert.Equal("""["stop","length"]""", entity.FinishReasonsJson);
        Assert.Equal("What is 2+2?", entity.InputText);
    }

    [Fact]
    public void Map_OperationDetailsEvent_FillsContentAndUsageMissingOnTheSpan()
    {
        var span = SpanWith(A("gen_ai.operation.name", "chat"), A("gen_ai.provider.name", "gcp.gemini"));
        span.Events.Add(Event(
            "gen_ai.client.inference.operation.details",
            A("gen_ai.request.model", "gemini-2.5-flash"),
            A("gen_ai.input.messages", Arr(Kv(A("role", "user"), A("parts", Arr(Kv(A("type", "text"),
                A("content", "Summarise the report."))))))),
            A("gen_ai.output.messages", Arr(Kv(A("role", "assistant"), A("parts", Arr(Kv(A("type", "text"),
                A("content", "The report says…")))), A("finish_reason", "stop")))),
            A("gen_ai.usage.input_tokens", 40L),
            A("gen_ai.usage.output_tokens", 10L),
            A("gen_ai.usage.reasoning.output_tokens", 25L)));

        var entity = MapOne(span);

        Assert.Equal("gemini-2.5-flash", entity.Model);
        Assert.Equal("Summarise the report.", entity.InputText);
        Assert.Equal("The report says…", entity.OutputText);

        // Reasoning above output means output excluded it (raw Gemini counts): made inclusive.
        Assert.Equal((40L, 35L, 25L, 75L), (entity.InputTokens, entity.OutputTokens, entity.ReasoningTokens,
            entity.TotalTokens));
    }

    [Fact]
    public void Map_AnthropicRawUsage_InputIncludesCacheReadsAndWrites()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.provider.name", "anthropic"),
            A("gen_ai.request.model", "claude-sonnet-4-5"),
            A("gen_ai.usage.input_tokens", 3L),
            A("gen_ai.usage.cache_read.input_tokens", 16399L),
            A("gen_ai.usage.cache_creation.input_tokens", 2089L),
            A("gen_ai.usage.output_tokens", 512L));

        var entity = MapOne(span);

        Assert.Equal(18491L, entity.InputTokens);
        Assert.Equal(16399L, entity.CacheReadTokens);
        Assert.Equal(2089L, entity.CacheWriteTokens);
        Assert.Equal(19003L, entity.TotalTokens);
    }

    [Fact]
    public void Map_CompliantInclusiveUsage_IsNotSummedAgain()
    {
        var span = SpanWith(
            A("gen_ai.request.model", "claude-sonnet-4-5"),
            A("gen_ai.usage.input_tokens", 18491L),
            A("gen_ai.usage.cache_read.input_tokens", 16399L),
            A("gen_ai.usage.cache_write.input_tokens", 2089L),
            A("gen_ai.usage.output_tokens", 512L),
            A("gen_ai.usage.total_tokens", 19003L));

        var entity = MapOne(span);

        Assert.Equal((18491L, 2089L, 19003L), (entity.InputTokens, entity.CacheWriteTokens, entity.TotalTokens));
    }

    [Fact]
    public void Map_ExecuteToolSpan_FillsToolAndText()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "execute_tool"),
            A("gen_ai.tool.name", "get_weather"),
            A("gen_ai.tool.call.id", "call_1"),
            A("gen_ai.tool.type", "function"),
            A("gen_ai.tool.call.arguments", Kv(A("city", "Paris"))),
            A("gen_ai.tool.call.result", "18°C, cloudy"));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Tool, entity.Type);
        var tool = StoreJson.Deserialize<ToolInvocation>(entity.ToolJson)!;
        Assert.Equal(
            new ToolInvocation
            {
                Name = "get_weather", CallId = "call_1", Type = "function", Arguments = """{"city":"Paris"}""",
                Result = "18°C, cloudy",
            },
            tool);
        Assert.Equal("""{"city":"Paris"}""", entity.InputText);
        Assert.Equal("18°C, cloudy", entity.OutputText);
    }

    [Fact]
    public void Map_RetrievalSpan_ReadsQueryAndDocuments()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "retrieval"),
            A("gen_ai.data_source.id", "kb-main"),
            A("gen_ai.retrieval.query.text", "refund policy"),
            A("gen_ai.retrieval.documents", """
                [{"id":"doc-1","score":0.91,"content":"Refunds within 30 days."},{"id":"doc-2","score":null}]
                """));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Retrieval, entity.Type);
        Assert.Equal("refund policy", entity.InputText);
        var documents = StoreJson.Deserialize<List<RetrievedDocument>>(entity.DocumentsJson)!;
        Assert.Equal(2, documents.Count);
        Assert.Equal(("doc-1", 0.91, "Refunds within 30 days."), (documents[0].Id, documents[0].Score!.Value,
            documents[0].Content));
        Assert.Null(documents[1].Score);
    }

    [Fact]
    public void Map_ErrorTypeAndExceptionEvent_MarkErrorWithMessage()
    {
        var span = SpanWith(A("gen_ai.operation.name", "chat"), A("gen_ai.request.model", "gpt-4o"));
        span.Events.Add(Event(
            "exception",
            A("exception.type", "openai.RateLimitError"),
            A("exception.message", "Rate limit reached")));

        var entity = MapOne(span);

        Assert.Equal(SpanStatus.Error, entity.Status);
        Assert.Equal("openai.RateLimitError", entity.ErrorType);
        Assert.Equal("Rate limit reached", entity.StatusMessage);
        var events = StoreJson.Deserialize<List<SpanEventRecord>>(entity.EventsJson)!;
        Assert.Equal("exception", Assert.Single(events).Name);
        Assert.Equal("Rate limit reached", events[0].Attributes!.Value.GetProperty("exception.message").GetString());
    }

    [Fact]
    public void Map_SystemInstructionsWithSystemMessageInHistory_NotPrependedTwice()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.system_instructions", "Plain instructions."),
            A("gen_ai.input.messages", """
                [{"role":"system","parts":[{"type":"text","content":"History system."}]},
                 {"role":"user","parts":[{"type":"text","content":"Hello"},{"type":"uri","modality":"image",
                  "uri":"https://example.com/cat.png"}]}]
                """));

        var entity = MapOne(span);

        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(["system", "user"], input.Select(m => m.Role));
        Assert.Equal("History system.", input[0].Content);
        var part = Assert.Single(input[1].Parts!);
        Assert.Equal("https://example.com/cat.png", part.GetProperty("uri").GetString());
        Assert.Equal(JsonValueKind.Object, part.ValueKind);
    }

    [Fact]
    public void Map_JsonTextWithBrokenSurrogateEscape_RepairedNotFatal()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"cut \ud83d here"}]}]"""));

        var entity = MapOne(span);

        Assert.Equal("cut \uFFFD here", Assert.Single(Messages(entity.InputMessagesJson)).Content);
        Assert.Equal("cut \uFFFD here", entity.InputText);
    }

    [Fact]
    public void Map_PromptTemplateNameAttribute_IsNotReadAsAFlattenedMessage()
    {
        var span = SpanWith(
            A("gen_ai.operation.name", "chat"),
            A("gen_ai.prompt.name", "support-answer"),
            A("gen_ai.prompt.version", "12"),
            A("gen_ai.prompt.variable.product", "router"));

        var entity = MapOne(span);

        Assert.Null(entity.InputMessagesJson);
        var prompt = StoreJson.Deserialize<PromptReference>(entity.PromptJson)!;
        Assert.Equal(("support-answer", "12"), (prompt.Name, prompt.Version));
        Assert.Equal("router", prompt.Variables!.Value.GetProperty("product").GetString());
    }
}
