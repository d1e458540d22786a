using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>Overlapping conventions on one span: Langfuse, then OpenInference, then OTel GenAI (§7).</summary>
public sealed class PrecedenceMappingTests
{
    private static readonly KeyValue[] _langfuse =
    [
        A("langfuse.observation.type", "agent"),
        A("langfuse.observation.input", "langfuse input"),
        A("langfuse.session.id", "lf-session"),
        A("langfuse.observation.model.parameters", """{"temperature":0.9}"""),
        A("langfuse.observation.model.name", "lf-model"),
    ];

    private static readonly KeyValue[] _openInference =
    [
        A("openinference.span.kind", "CHAIN"),
        A("input.value", "oi input"),
        A("session.id", "oi-session"),
        A("llm.invocation_parameters", """{"temperature":0.5,"seed":7}"""),
        A("llm.model_name", "oi-model"),
    ];

    private static readonly KeyValue[] _genAi =
    [
        A("gen_ai.operation.name", "chat"),
        A("gen_ai.conversation.id", "genai-conversation"),
        A("gen_ai.request.temperature", 0.1),
        A("gen_ai.request.top_p", 0.95),
        A("gen_ai.request.model", "genai-request-model"),
    ];

    [Fact]
    public void Map_AllThreeConventions_LangfuseWins()
    {
        var span = SpanWith([.. _langfuse, .. _openInference, .. _genAi]);

        var entity = MapOne(span);

        Assert.Equal(SpanType.Agent, entity.Type);
        Assert.Equal("langfuse input", entity.InputText);
        Assert.Equal("lf-session", entity.SessionId);
        Assert.Equal("lf-model", entity.Model);
        Assert.Equal("""{"temperature":0.9,"top_p":0.95,"seed":7}""", entity.ParametersJson);
    }

    [Fact]
    public void Map_OpenInferenceAndGenAi_OpenInferenceWins()
    {
        var span = SpanWith([.. _openInference, .. _genAi]);

        var entity = MapOne(span);

        Assert.Equal(SpanType.Chain, entity.Type);
        Assert.Equal("oi input", entity.InputText);
        Assert.Equal("oi-session", entity.SessionId);
        Assert.Equal("oi-model", entity.Model);
        Assert.Equal("genai-request-model", entity.RequestModel);
        Assert.Equal("""{"temperature":0.5,"top_p":0.95,"seed":7}""", entity.ParametersJson);
    }

    [Fact]
    public void Map_GenAiOnly_GenAiValuesUsed()
    {
        var span = SpanWith(_genAi);

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("genai-conversation", entity.SessionId);
        Assert.Equal("genai-request-model", entity.Model);
        Assert.Equal("""{"temperature":0.1,"top_p":0.95}""", entity.ParametersJson);
    }

    [Fact]
    public void Map_MessagesFromBothConventions_OneSourceNeverMerged()
    {
        var tie = SpanWith(
            A("llm.input_messages.0.message.role", "user"),
            A("llm.input_messages.0.message.content", "from openinference"),
            A("gen_ai.input.messages", """[{"role":"user","parts":[{"type":"text","content":"from genai"}]}]"""));
        var genAiLonger = SpanWith(
            A("llm.input_messages.0.message.role", "user"),
            A("llm.input_messages.0.message.content", "oi only one"),
            A("gen_ai.input.messages", """
                [{"role":"user","parts":[{"type":"text","content":"g1"}]},
                 {"role":"assistant","parts":[{"type":"text","content":"g2"}]},
                 {"role":"user","parts":[{"type":"text","content":"g3"}]}]
                """));

        var tieEntity = MapOne(tie);
        var longerEntity = MapOne(genAiLonger);

        Assert.Equal(["from openinference"], Messages(tieEntity.InputMessagesJson).Select(m => m.Content));
        Assert.Equal(["g1", "g2", "g3"], Messages(longerEntity.InputMessagesJson).Select(m => m.Content));
    }

    [Theory]
    [InlineData("gen_ai.provider.name", "az.ai.openai", "azure.ai.openai")]
    [InlineData("gen_ai.system", "vertex_ai", "gcp.vertex_ai")]
    [InlineData("gen_ai.system", "Anthropic", "anthropic")]
    [InlineData("llm.provider", "xai", "x_ai")]
    [InlineData("llm.system", "mistralai", "mistral_ai")]
    [InlineData("gen_ai.system", "_OTHER", null)]
    [InlineData("ai.model.provider", "openai.chat", "openai")]
    public void Map_ProviderAlias_IsNormalised(string key, string value, string? expected)
    {
        var span = SpanWith(A(key, value));

        var entity = MapOne(span);

        Assert.Equal(expected, entity.Provider);
    }

    [Theory]
    [InlineData("openinference.span.kind", "RERANKER", SpanType.Reranker)]
    [InlineData("openinference.span.kind", "UNKNOWN", SpanType.Span)]
    [InlineData("gen_ai.operation.name", "invoke_agent", SpanType.Agent)]
    [InlineData("gen_ai.operation.name", "embeddings", SpanType.Embedding)]
    [InlineData("gen_ai.operation.name", "search_memory", SpanType.Retrieval)]
    [InlineData("gen_ai.operation.name", "invoke_workflow", SpanType.Chain)]
    [InlineData("traceloop.span.kind", "task", SpanType.Chain)]
    [InlineData("ai.operationId", "ai.streamText.doStream", SpanType.Generation)]
    [InlineData("ai.operationId", "ai.streamText", SpanType.Chain)]
    [InlineData("gen_ai.tool.call.id", "call_1", SpanType.Tool)]
    [InlineData("embedding.model_name", "text-embedding-3-small", SpanType.Embedding)]
    [InlineData("llm.model_name", "gpt-4o", SpanType.Generation)]
    [InlineData("http.route", "/chat", SpanType.Span)]
    public void Map_TypeDetectionRule_YieldsType(string key, string value, string expected)
    {
        var span = SpanWith(A(key, value));

        var entity = MapOne(span);

        Assert.Equal(expected, entity.Type);
    }
}
