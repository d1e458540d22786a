using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>Classic OpenLLMetry spans with flattened <c>gen_ai.prompt.N</c> content (CONVENTIONS.md §4).</summary>
public sealed class TraceloopMappingTests
{
    [Fact]
    public void Map_ClassicChatSpan_RebuildsPromptAndCompletion()
    {
        var span = SpanWith(
            A("llm.request.type", "chat"),
            A("gen_ai.system", "MistralAI"),
            A("gen_ai.request.model", "mistral-large-latest"),
            A("gen_ai.prompt.0.role", "system"),
            A("gen_ai.prompt.0.content", "You answer in French."),
            A("gen_ai.prompt.1.role", "user"),
            A("gen_ai.prompt.1.content", """[{"type":"text","text":"Weather in Lyon?"}]"""),
            A("gen_ai.completion.0.role", "assistant"),
            A("gen_ai.completion.0.finish_reason", "tool_calls"),
            A("gen_ai.completion.0.tool_calls.0.id", "call_3"),
            A("gen_ai.completion.0.tool_calls.0.name", "weather"),
            A("gen_ai.completion.0.tool_calls.0.arguments", """{"city":"Lyon"}"""),
            A("llm.request.functions.0.name", "weather"),
            A("llm.request.functions.0.description", "Current weather"),
            A("llm.request.functions.0.parameters", """{"type":"object","properties":{"city":{"type":"string"}}}"""),
            A("gen_ai.usage.prompt_tokens", 55L),
            A("gen_ai.usage.completion_tokens", 17L),
            A("llm.usage.total_tokens", 72L),
            A("llm.is_streaming", false),
            A("traceloop.association.properties.session_id", "tl-session"),
            A("traceloop.association.properties.user_id", "tl-user"));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("mistral_ai", entity.Provider);
        var input = Messages(entity.InputMessagesJson);
        Assert.Equal(["You answer in French.", "Weather in Lyon?"], input.Select(m => m.Content));
        var output = Assert.Single(Messages(entity.OutputMessagesJson));
        Assert.Equal(("weather", """{"city":"Lyon"}"""), (output.ToolCalls![0].Name, output.ToolCalls[0].Arguments));
        Assert.Equal("""["tool_calls"]""", entity.FinishReasonsJson);
        Assert.Equal("Weather in Lyon?", entity.InputText);
        Assert.Equal("""weather({"city":"Lyon"})""", entity.OutputText);
        Assert.Equal((55L, 17L, 72L), (entity.InputTokens, entity.OutputTokens, entity.TotalTokens));
        Assert.Equal("""{"stream":false}""", entity.ParametersJson);
        Assert.Contains("\"description\":\"Current weather\"", entity.ToolDefinitionsJson, StringComparison.Ordinal);
        Assert.Equal(("tl-session", "tl-user"), (entity.SessionId, entity.UserId));
        Assert.Equal("""{"session_id":"tl-session","user_id":"tl-user"}""", entity.MetadataJson);
    }

    [Fact]
    public void Map_WorkflowSpan_IsChainWithEntityInputAndOutput()
    {
        var span = SpanWith(
            A("traceloop.span.kind", "workflow"),
            A("traceloop.entity.name", "answer_question"),
            A("traceloop.entity.input", """{"args":["What is RAG?"],"kwargs":{}}"""),
            A("traceloop.entity.output", "\"Retrieval-augmented generation.\""));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Chain, entity.Type);
        Assert.Equal("""{"args":["What is RAG?"],"kwargs":{}}""", entity.InputText);
        Assert.Equal("\"Retrieval-augmented generation.\"", entity.OutputText);
    }

    [Fact]
    public void Map_ContentThatIsAPlainJsonArray_StaysText()
    {
        var span = SpanWith(
            A("llm.request.type", "completion"),
            A("gen_ai.prompt.0.role", "user"),
            A("gen_ai.prompt.0.content", "[1, 2, 3]"));

        var entity = MapOne(span);

        var message = Assert.Single(Messages(entity.InputMessagesJson));
        Assert.Equal("[1, 2, 3]", message.Content);
        Assert.Null(message.Parts);
    }
}
