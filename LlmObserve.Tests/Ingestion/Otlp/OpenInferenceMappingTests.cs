using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>OpenInference spans with flattened lists (CONVENTIONS.md §2, P1, P10).</summary>
public sealed class OpenInferenceMappingTests
{
    [Fact]
    public void Map_LlmSpanWithElevenMessages_OrdersIndexTenAfterNine()
    {
        var attributes = new List<KeyValue>
        {
            A("openinference.span.kind", "LLM"),
            A("llm.model_name", "gpt-4o-mini-2024-07-18"),
            A("llm.provider", "openai"),
            A("llm.system", "openai"),
            A("llm.invocation_parameters", """{"temperature":0.3,"max_tokens":256}"""),
            A("input.value", """{"messages":[{"role":"user","content":"m0"}],"model":"gpt-4o-mini"}"""),
            A("input.mime_type", "application/json"),
            A("output.value", "Done."),
            A("llm.token_count.prompt", 100L),
            A("llm.token_count.completion", 20L),
            A("llm.token_count.total", 120L),
            A("llm.token_count.prompt_details.cache_read", 40L),
            A("llm.token_count.completion_details.reasoning", 8L),
            A("session.id", "sess-42"),
            A("user.id", "user-9"),
            A("metadata", """{"tenant":"acme","tier":2}"""),
            A("tag.tags", Arr(Str("prod"), Str("rag"))),
            A("llm.tools.0.tool.json_schema", """
                {"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}
                """),
            A("llm.output_messages.0.message.role", "assistant"),
            A("llm.output_messages.0.message.content", "Done."),
            A("llm.output_messages.0.message.tool_calls.0.tool_call.id", "call_a"),
            A("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "lookup"),
            A("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", """{"q":"x"}"""),
        };
        for (var i = 10; i >= 0; i--)
        {
            attributes.Add(A($"llm.input_messages.{i}.message.role", i == 0 ? "system" : "user"));
            attributes.Add(A($"llm.input_messages.{i}.message.content", $"m{i}"));
        }

        var entity = MapOne(SpanWith([.. attributes]));

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("gpt-4o-mini-2024-07-18", entity.Model);
        Assert.Equal("openai", entity.Provider);
        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"m{i}"), input.Select(m => m.Content));
        Assert.Equal("system", input[0].Role);
        var output = Assert.Single(Messages(entity.OutputMessagesJson));
        Assert.Equal("Done.", output.Content);
        var call = Assert.Single(output.ToolCalls!);
        Assert.Equal(("call_a", "lookup", """{"q":"x"}"""), (call.Id, call.Name, call.Arguments));

        // P10: the raw request stays the input text; the structured messages are kept apart.
        Assert.StartsWith("{\"messages\"", entity.InputText, StringComparison.Ordinal);
        Assert.Equal("Done.", entity.OutputText);
        Assert.Equal("""{"temperature":0.3,"max_tokens":256}""", entity.ParametersJson);
        Assert.Equal((100L, 20L, 40L, 8L, 120L), (entity.InputTokens, entity.OutputTokens, entity.CacheReadTokens,
            entity.ReasoningTokens, entity.TotalTokens));
        Assert.Equal(("sess-42", "user-9"), (entity.SessionId, entity.UserId));
        Assert.Equal("""["prod","rag"]""", entity.TagsJson);
        Assert.Equal("""{"tenant":"acme","tier":2}""", entity.MetadataJson);
        Assert.Contains("\"lookup\"", entity.ToolDefinitionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_FlattenedMessagesWithGapsAndParts_KeepsOrderAndParts()
    {
        var span = SpanWith(
            A("openinference.span.kind", "llm"),
            A("llm.input_messages.5.message.role", "user"),
            A("llm.input_messages.5.message.content", "third"),
            A("llm.input_messages.0.message.role", "user"),
            A("llm.input_messages.0.message.contents.0.message_content.type", "text"),
            A("llm.input_messages.0.message.contents.0.message_content.text", "first"),
            A("llm.input_messages.0.message.contents.1.message_content.type", "image"),
            A("llm.input_messages.0.message.contents.1.message_content.image.image.url", "https://x.test/a.png"),
            A("llm.input_messages.2.message.role", "tool"),
            A("llm.input_messages.2.message.tool_call_id", "call_1"),
            A("llm.input_messages.2.message.content", "second"),
            A("llm.input_messages.9999.message.role", "user"),
            A("llm.input_messages.9999.message.content", "last"));

        var entity = MapOne(span);

        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(["first", "second", "third", "last"], input.Select(m => m.Content));
        Assert.Equal("call_1", input[1].ToolCallId);
        var image = Assert.Single(input[0].Parts!);
        Assert.Equal("https://x.test/a.png", image.GetProperty("image.image.url").GetString());
        Assert.Equal("last", entity.InputText);
    }

    [Fact]
    public void Map_RetrieverSpan_ReadsDocumentsWithScoresAndMetadata()
    {
        var span = SpanWith(
            A("openinference.span.kind", "RETRIEVER"),
            A("input.value", "How do I reset my password?"),
            A("retrieval.documents.0.document.id", "kb-17"),
            A("retrieval.documents.0.document.content", "Open Settings, then Security."),
            A("retrieval.documents.0.document.score", 0.87),
            A("retrieval.documents.0.document.metadata", """{"source":"kb","page":3}"""),
            A("retrieval.documents.1.document.id", 23L),
            A("retrieval.documents.1.document.content", "Passwords expire after 90 days."),
            A("retrieval.documents.1.document.score", 0.52));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Retrieval, entity.Type);
        Assert.Equal("How do I reset my password?", entity.InputText);
        var documents = StoreJson.Deserialize<List<RetrievedDocument>>(entity.DocumentsJson)!;
        Assert.Equal(["kb-17", "23"], documents.Select(d => d.Id));
        Assert.Equal([0.87, 0.52], documents.Select(d => d.Score!.Value));
        Assert.Equal("Open Settings, then Security.", documents[0].Content);
        Assert.Equal(3, documents[0].Metadata!.Value.GetProperty("page").GetInt32());
        Assert.Null(documents[1].Metadata);
    }

    [Fact]
    public void Map_ToolSpan_TakesArgumentsAndResultFromInputAndOutput()
    {
        var span = SpanWith(
            A("openinference.span.kind", "TOOL"),
            A("tool.name", "search_orders"),
            A("tool.description", "Finds orders by customer"),
            A("tool.id", "call_77"),
            A("input.value", """{"customer":"c-1"}"""),
            A("output.value", """[{"order":"o-9"}]"""));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Tool, entity.Type);
        var tool = StoreJson.Deserialize<ToolInvocation>(entity.ToolJson)!;
        Assert.Equal(
            ("search_orders", "call_77", "Finds orders by customer"),
            (tool.Name, tool.CallId, tool.Description));
        Assert.Equal(("""{"customer":"c-1"}""", """[{"order":"o-9"}]"""), (tool.Arguments, tool.Result));
    }

    [Fact]
    public void Map_ReportedCost_IsKeptWithBreakdown()
    {
        var span = SpanWith(
            A("openinference.span.kind", "LLM"),
            A("llm.model_name", "gpt-4o"),
            A("llm.cost.prompt", 0.0025),
            A("llm.cost.completion", 0.01));

        var entity = MapOne(span);

        Assert.Equal(0.0125, entity.Cost!.Value, 10);
        Assert.True(entity.CostReported);
        Assert.Equal("""{"prompt":0.0025,"completion":0.01}""", entity.CostDetailsJson);
    }

    [Fact]
    public void Map_PromptTemplate_IsKept()
    {
        var span = SpanWith(
            A("openinference.span.kind", "LLM"),
            A("llm.prompt_template.template", "Answer about {topic}"),
            A("llm.prompt_template.variables", """{"topic":"billing"}"""),
            A("llm.prompt_template.version", "v3"));

        var entity = MapOne(span);

        var prompt = StoreJson.Deserialize<PromptReference>(entity.PromptJson)!;
        Assert.Equal(("Answer about {topic}", "v3"), (prompt.Template, prompt.Version));
        Assert.Equal("billing", prompt.Variables!.Value.GetProperty("topic").GetString());
    }

    [Fact]
    public void Map_EmbeddingSpan_ModelAndTextsRead()
    {
        var span = SpanWith(
            A("openinference.span.kind", "EMBEDDING"),
            A("embedding.model_name", "text-embedding-3-small"),
            A("embedding.invocation_parameters", """{"dimensions":512}"""),
            A("embedding.embeddings.0.embedding.text", "first chunk"),
            A("embedding.embeddings.1.embedding.text", "second chunk"),
            A("embedding.embeddings.1.embedding.vector", Arr(Dbl(0.1), Dbl(0.2))));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Embedding, entity.Type);
        Assert.Equal("text-embedding-3-small", entity.Model);
        Assert.Equal("""{"dimensions":512}""", entity.ParametersJson);
        Assert.Equal("first chunk\nsecond chunk", entity.InputText);
    }
}
