using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// Span-type detection (CONVENTIONS.md §8): rules evaluated top-down, the first that yields a type wins. Never from
/// the span name (P13).
/// </summary>
internal static class SpanTypeDetector
{
    private static readonly string[] _vercelGeneration =
    [
        "ai.generateText.doGenerate", "ai.streamText.doStream",
        "ai.generateObject.doGenerate", "ai.streamObject.doStream",
    ];

    private static readonly string[] _vercelEmbedding = ["ai.embed.doEmbed", "ai.embedMany.doEmbed"];

    private static readonly string[] _vercelOuter =
    [
        "ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject", "ai.embedMany", "ai.embed",
    ];

    private static readonly string[] _modelKeys =
    [
        "gen_ai.request.model", "gen_ai.response.model", "llm.model_name", "ai.model.id",
        "langfuse.observation.model.name",
    ];

    public static string Detect(AttributeBag bag, RepeatedField<Span.Types.Event> events)
        => LangfuseConvention.Type(bag)
            ?? FromOpenInference(bag.String("openinference.span.kind"))
            ?? FromGenAiOperation(bag.String("gen_ai.operation.name"))
            ?? FromTraceloop(bag)
            ?? FromVercel(bag.FirstString("ai.operationId", "operation.name"))
            ?? FromHeuristics(bag, events)
            ?? SpanType.Span;

    private static string? FromOpenInference(string? kind) => kind?.Trim().ToUpperInvariant() switch
    {
        "LLM" => SpanType.Generation,
        "EMBEDDING" => SpanType.Embedding,
        "RETRIEVER" => SpanType.Retrieval,
        "RERANKER" => SpanType.Reranker,
        "TOOL" => SpanType.Tool,
        "AGENT" => SpanType.Agent,
        "CHAIN" => SpanType.Chain,
        "GUARDRAIL" => SpanType.Guardrail,
        "EVALUATOR" => SpanType.Evaluator,
        "PROMPT" => SpanType.Chain,
        _ => null,
    };

    private static string? FromGenAiOperation(string? operation) => operation?.Trim().ToLowerInvariant() switch
    {
        "chat" or "text_completion" or "generate_content" or "completion" or "generate" => SpanType.Generation,
        "embeddings" or "embedding" => SpanType.Embedding,
        "retrieval" or "search_memory" => SpanType.Retrieval,
        "create_memory" or "update_memory" or "upsert_memory" or "delete_memory" or "create_memory_store"
            or "delete_memory_store" or "fetch_response" => SpanType.Span,
        "execute_tool" => SpanType.Tool,
        "invoke_agent" or "create_agent" => SpanType.Agent,
        "invoke_workflow" or "plan" or "agent_step" => SpanType.Chain,
        "rerank" => SpanType.Reranker,
        _ => null,
    };

    private static string? FromTraceloop(AttributeBag bag)
    {
        var kind = bag.String("traceloop.span.kind")?.Trim().ToLowerInvariant() switch
        {
            "workflow" or "task" => SpanType.Chain,
            "agent" => SpanType.Agent,
            "tool" => SpanType.Tool,
            _ => null,
        };
        return kind ?? bag.String("llm.request.type")?.Trim().ToLowerInvariant() switch
        {
            "chat" or "completion" => SpanType.Generation,
            "embedding" => SpanType.Embedding,
            "rerank" => SpanType.Reranker,
            _ => null,
        };
    }

    private static string? FromVercel(string? operation)
    {
        if (operation is null || !operation.StartsWith("ai.", StringComparison.Ordinal))
        {
            return null;
        }

        // operation.name may carry the function id after the operation, so match by prefix, inner calls first.
        if (_vercelGeneration.Any(prefix => operation.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return SpanType.Generation;
        }

        if (_vercelEmbedding.Any(prefix => operation.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return SpanType.Embedding;
        }

        if (operation.StartsWith("ai.toolCall", StringComparison.Ordinal))
        {
            return SpanType.Tool;
        }

        return _vercelOuter.Any(prefix => operation.StartsWith(prefix, StringComparison.Ordinal))
            ? SpanType.Chain
            : null;
    }

    private static string? FromHeuristics(AttributeBag bag, RepeatedField<Span.Types.Event> events)
    {
        if (bag.Has("gen_ai.tool.name") || bag.Has("gen_ai.tool.call.id"))
        {
            return SpanType.Tool;
        }

        if (bag.Has("gen_ai.retrieval.documents") || bag.Has("gen_ai.retrieval.query.text")
            || bag.HasPrefix("retrieval.documents.") || events.Any(e => e.Name == "db.query.result"))
        {
            return SpanType.Retrieval;
        }

        if (bag.Has("gen_ai.embeddings.dimension.count") || bag.HasPrefix("embedding.embeddings.")
            || bag.Has("embedding.model_name"))
        {
            return SpanType.Embedding;
        }

        var hasModel = _modelKeys.Any(bag.Has);
        var hasContent = bag.Has("gen_ai.input.messages") || bag.Has("gen_ai.output.messages")
            || bag.HasPrefix(OpenInferenceConvention.InputMessagesPrefix + ".")
            || FlattenedLists.Read(bag, TraceloopConvention.PromptPrefix).Count > 0;
        return hasModel || hasContent || GenAiEvents.HasContentEvents(events) ? SpanType.Generation : null;
    }
}
