using System.Text.Json;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// Fills the LLM fields of a span from its attributes and events, field by field in the order of precedence of
/// CONVENTIONS.md §7: Langfuse's explicit attributes first, then OpenInference, then OTel GenAI, then Traceloop and
/// the Vercel AI SDK, except where §7 names another order for a field (model, provider, usage).
/// A list field (messages, documents, tools) always comes from one source, never merged from two (P1).
/// </summary>
internal static class ConventionMapper
{
    /// <summary>Maps the span's conventions onto the entity.</summary>
    /// <returns>Client errors that cost the span a field (bad token counts), each naming the attribute; the span is
    /// kept without that field.</returns>
    public static IReadOnlyList<string> Apply(SpanEntity entity, Span span, AttributeBag bag, AttributeBag resource)
    {
        // The opt-in details event carries the same attributes as the span would; it only fills gaps.
        var details = GenAiEvents.Details(span.Events);
        var genAi = details is null ? bag : bag.WithFallback(details);

        ApplyStatus(entity, span, bag);
        ApplyModel(entity, bag, genAi);
        entity.ParametersJson = Serialize(Parameters(bag, genAi));

        var events = new EventContent(span);
        var input = InputMessages(bag, details, events);
        var output = OutputMessages(bag, details, events);
        entity.InputMessagesJson = Serialize(input);
        entity.OutputMessagesJson = Serialize(output);
        entity.FinishReasonsJson = Serialize(FinishReasons(bag, genAi, output));

        // Raw input and output first (§7); a Langfuse value that is itself the message list reads better rendered.
        entity.InputText = (ExplicitMessages(LangfuseConvention.InputJson(bag), "user") is { } explicitInput
                ? MessageJson.RenderInput(explicitInput)
                : LangfuseConvention.Input(bag))
            ?? bag.FirstString("traceloop.entity.input", "input.value", "gen_ai.tool.call.arguments")
            ?? GenAiConvention.Query(genAi)
            ?? bag.String("reranker.query")
            ?? MessageJson.RenderInput(input)
            ?? OpenInferenceConvention.EmbeddingText(bag);
        entity.OutputText = (ExplicitMessages(LangfuseConvention.OutputJson(bag), "assistant") is { } explicitOutput
                ? MessageJson.RenderOutput(explicitOutput)
                : LangfuseConvention.Output(bag))
            ?? bag.FirstString("traceloop.entity.output", "output.value", "gen_ai.tool.call.result")
            ?? MessageJson.RenderOutput(output);

        entity.ToolDefinitionsJson = Serialize(GenAiConvention.ToolDefinitions(genAi)
            ?? OpenInferenceConvention.ToolDefinitions(bag)
            ?? GenAiConvention.JsonItems(bag.Json("ai.prompt.tools"))
            ?? TraceloopConvention.ToolDefinitions(bag));
        entity.DocumentsJson = Serialize(OpenInferenceConvention.Documents(bag, "retrieval.documents")
            ?? GenAiConvention.Documents(genAi)
            ?? OpenInferenceConvention.Documents(bag, "reranker.output_documents")
            ?? TraceloopConvention.Documents(span.Events));
        entity.ToolJson = Serialize(Tool(entity.Type, bag, genAi));

        var problems = ApplyUsageAndCost(entity, bag, genAi);
        ApplyTraceFields(entity, bag, resource);

        entity.ResponseId = genAi.FirstString("gen_ai.response.id", "ai.response.id");
        entity.CompletionStartUnixNano = CompletionStart(entity.StartTimeUnixNano, bag, genAi);
        entity.PromptJson = Serialize(LangfuseConvention.Prompt(bag)
            ?? GenAiConvention.Prompt(genAi)
            ?? OpenInferenceConvention.Prompt(bag)
            ?? TraceloopConvention.Prompt(bag));

        if (string.IsNullOrEmpty(span.Name))
        {
            entity.Name = bag.FirstString(
                "gen_ai.tool.name", "traceloop.entity.name", "gen_ai.agent.name", "gen_ai.operation.name")
                ?? entity.Name;
        }

        return problems;
    }

    private static void ApplyStatus(SpanEntity entity, Span span, AttributeBag bag)
    {
        var status = span.Status?.Code switch
        {
            Status.Types.StatusCode.Error => SpanStatus.Error,
            Status.Types.StatusCode.Ok => SpanStatus.Ok,
            _ => SpanStatus.Unset,
        };
        var errorType = bag.String("error.type");
        if (LangfuseConvention.IsErrorLevel(bag) || errorType is not null)
        {
            status = SpanStatus.Error;
        }

        // A recorded exception marks failure only when nothing else decided; the GenAI exception event is a warning
        // that may precede a successful retry, so it never does.
        var exception = GenAiEvents.Exception(span.Events);
        if (status == SpanStatus.Unset && exception is { IsStandard: true })
        {
            status = SpanStatus.Error;
        }

        entity.Status = status;
        entity.StatusMessage = LangfuseConvention.StatusMessage(bag)
            ?? (string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message)
            ?? (status == SpanStatus.Error ? exception?.Message : null);
        entity.ErrorType = errorType ?? (status == SpanStatus.Error ? exception?.Type : null);
    }

    private static void ApplyModel(SpanEntity entity, AttributeBag bag, AttributeBag genAi)
    {
        entity.RequestModel = genAi.FirstString("gen_ai.request.model", "llm.request.model_name");
        entity.ResponseModel = genAi.FirstString(
            "gen_ai.response.model", "llm.response.model_name", "ai.response.model");
        entity.Model = LangfuseConvention.Model(bag)
            ?? genAi.FirstString(
                "gen_ai.response.model",
                "llm.response.model_name",
                "llm.model_name",
                "ai.response.model",
                "ai.model.id",
                "gen_ai.request.model",
                "llm.request.model_name",
                "embedding.model_name",
                "reranker.model_name");
        entity.Provider = ProviderNames.Normalize(genAi.FirstString("gen_ai.provider.name", "gen_ai.system"))
            ?? ProviderNames.Normalize(bag.FirstString("llm.provider", "llm.system"))
            ?? ProviderNames.Normalize(bag.String("ai.model.provider"), qualified: true);
    }

    /// <summary>One parameter map; a key from a stronger source overwrites the same key from a weaker one.</summary>
    private static Dictionary<string, JsonElement> Parameters(AttributeBag bag, AttributeBag genAi)
    {
        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        GenAiConvention.AddParameters(genAi, parameters);
        TraceloopConvention.AddParameters(bag, parameters);
        OpenInferenceConvention.AddParameters(bag, parameters);
        LangfuseConvention.AddParameters(bag, parameters);
        return parameters;
    }

    private static List<ChatMessage>? InputMessages(AttributeBag bag, AttributeBag? details, EventContent events)
    {
        var messages = ExplicitMessages(LangfuseConvention.InputJson(bag), "user")
            ?? MoreComplete(
                OpenInferenceConvention.Messages(bag, OpenInferenceConvention.InputMessagesPrefix, "user"),
                GenAiConvention.InputMessages(bag))
            ?? (details is null ? null : GenAiConvention.InputMessages(details))
            ?? events.PerMessage.Input
            ?? events.ContentEvents.Input
            ?? TraceloopConvention.Messages(bag, TraceloopConvention.PromptPrefix, "user")
            ?? OpenInferenceConvention.LegacyCompletion(bag, input: true)
            ?? GenAiConvention.LegacyContent(bag, "gen_ai.prompt", "user");

        // System instructions given apart from the history are shown first, unless the history has its own (P9).
        var system = GenAiConvention.SystemInstructions(details is null ? bag : bag.WithFallback(details));
        if (system is not null && (messages is null || messages.All(message => message.Role != "system")))
        {
            messages = [system, .. messages ?? []];
        }

        return messages;
    }

    private static List<ChatMessage>? OutputMessages(AttributeBag bag, AttributeBag? details, EventContent events)
        => ExplicitMessages(LangfuseConvention.OutputJson(bag), "assistant")
            ?? MoreComplete(
                OpenInferenceConvention.Messages(bag, OpenInferenceConvention.OutputMessagesPrefix, "assistant"),
                GenAiConvention.OutputMessages(bag))
            ?? (details is null ? null : GenAiConvention.OutputMessages(details))
            ?? events.PerMessage.Output
            ?? events.ContentEvents.Output
            ?? TraceloopConvention.Messages(bag, TraceloopConvention.CompletionPrefix, "assistant")
            ?? OpenInferenceConvention.LegacyCompletion(bag, input: false)
            ?? GenAiConvention.LegacyContent(bag, "gen_ai.completion", "assistant");

    /// <summary>Langfuse input/output as messages, only when it plainly is messages (objects with a role).</summary>
    private static List<ChatMessage>? ExplicitMessages(JsonElement? json, string defaultRole)
    {
        if (json is not { } value)
        {
            return null;
        }

        var isMessage = value.ValueKind == JsonValueKind.Object && MessageJson.Text(value, "role") is not null;
        return isMessage || MessageJson.IsMessageList(value) ? MessageJson.ReadList(value, defaultRole) : null;
    }

    /// <summary>Of OpenInference and GenAI messages for one field the longer list; ties go to OpenInference.</summary>
    private static List<ChatMessage>? MoreComplete(List<ChatMessage>? openInference, List<ChatMessage>? genAi)
        => openInference is null || (genAi is not null && genAi.Count > openInference.Count) ? genAi : openInference;

    private static IReadOnlyList<string>? FinishReasons(AttributeBag bag, AttributeBag genAi, List<ChatMessage>? output)
    {
        if (GenAiConvention.FinishReasons(genAi) is { } reasons)
        {
            return reasons;
        }

        if (bag.FirstString("llm.finish_reason", "ai.response.finishReason", "ai.finishReason") is { } reason)
        {
            return [reason];
        }

        var fromMessages = output?.Select(message => message.FinishReason).OfType<string>().ToList();
        return fromMessages is { Count: > 0 } ? fromMessages : null;
    }

    private static ToolInvocation? Tool(string type, AttributeBag bag, AttributeBag genAi)
    {
        var isTool = type == SpanType.Tool;
        var genAiTool = GenAiConvention.Tool(genAi);
        if (!isTool && genAiTool is null && !bag.Has("tool.name"))
        {
            return null;
        }

        // On a tool span the generic input and output are the call's arguments and result.
        return new ToolInvocation
        {
            Name = genAiTool?.Name ?? bag.FirstString("tool.name", "ai.toolCall.name")
                ?? (isTool ? bag.String("traceloop.entity.name") : null),
            CallId = genAiTool?.CallId ?? bag.FirstString("tool.id", "ai.toolCall.id"),
            Description = genAiTool?.Description ?? bag.String("tool.description"),
            Type = genAiTool?.Type,
            Arguments = genAiTool?.Arguments
                ?? (isTool ? bag.FirstString("input.value", "ai.toolCall.args", "traceloop.entity.input") : null),
            Result = genAiTool?.Result
                ?? (isTool ? bag.FirstString("output.value", "ai.toolCall.result", "traceloop.entity.output") : null),
        };
    }

    private static List<string> ApplyUsageAndCost(SpanEntity entity, AttributeBag bag, AttributeBag genAi)
    {
        var problems = new List<string>();
        var usage = LangfuseConvention.Usage(bag, problems) is { IsEmpty: false } native && problems.Count == 0
            ? native
            : TokenUsage.FromAttributes(genAi, problems);

        // One unusable count makes the usage unusable: the others are subsets or sums of it (§6).
        if (problems.Count == 0 && !usage.IsEmpty)
        {
            usage = usage.Normalize();
            entity.InputTokens = usage.Input;
            entity.OutputTokens = usage.Output;
            entity.CacheReadTokens = usage.CacheRead;
            entity.CacheWriteTokens = usage.CacheWrite;
            entity.ReasoningTokens = usage.Reasoning;
            entity.TotalTokens = usage.Total;
        }

        var cost = LangfuseConvention.Cost(bag) ?? OpenInferenceConvention.Cost(bag);
        if (cost is null && genAi.Double("gen_ai.usage.cost") is { } total && double.IsFinite(total))
        {
            var details = new Dictionary<string, JsonElement> { ["total"] = JsonSerializer.SerializeToElement(total) };
            cost = (total, details);
        }

        if (cost is { } reported)
        {
            entity.Cost = reported.Total;
            entity.CostReported = true;
            entity.CostDetailsJson = Serialize(reported.Details);
        }

        return problems;
    }

    private static void ApplyTraceFields(SpanEntity entity, AttributeBag bag, AttributeBag resource)
    {
        entity.SessionId = LangfuseConvention.SessionId(bag)
            ?? bag.FirstString("session.id", "gen_ai.conversation.id", "ai.telemetry.metadata.sessionId")
            ?? TraceloopConvention.SessionId(bag);
        entity.UserId = LangfuseConvention.UserId(bag)
            ?? bag.FirstString("user.id", "ai.telemetry.metadata.userId")
            ?? TraceloopConvention.UserId(bag);

        // Per key, the span's value first and then the resource's (LF-PROC).
        foreach (var key in new[] { "langfuse.environment", "deployment.environment.name", "deployment.environment" })
        {
            entity.Environment ??= bag.String(key) ?? resource.String(key);
        }

        entity.Release = bag.String("langfuse.release") ?? resource.String("langfuse.release");
        entity.Version = bag.String("langfuse.version")
            ?? resource.String("langfuse.version")
            ?? resource.String("service.version");
        entity.TagsJson = Serialize(LangfuseConvention.Tags(bag)
            ?? bag.StringList("tag.tags")
            ?? bag.StringList("ai.telemetry.metadata.tags"));

        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        TraceloopConvention.AddMetadata(bag, metadata);
        foreach (var (key, value) in bag.WithPrefix("ai.telemetry.metadata."))
        {
            metadata[key["ai.telemetry.metadata.".Length..]] = AnyValueJson.ToElement(value);
        }

        OpenInferenceConvention.AddMetadata(bag, metadata);
        LangfuseConvention.AddMetadata(bag, metadata);
        entity.MetadataJson = Serialize(metadata);

        entity.TraceName = LangfuseConvention.TraceName(bag);
        entity.TraceInputText = LangfuseConvention.TraceInput(bag);
        entity.TraceOutputText = LangfuseConvention.TraceOutput(bag);
    }

    private static long? CompletionStart(long start, AttributeBag bag, AttributeBag genAi)
    {
        if (LangfuseConvention.CompletionStart(bag) is { } explicitTime)
        {
            return explicitTime;
        }

        if (genAi.Double("gen_ai.response.time_to_first_chunk") is { } seconds
            && double.IsFinite(seconds) && seconds >= 0)
        {
            return start + (long)(seconds * 1e9);
        }

        var milliseconds = bag.Double("ai.response.msToFirstChunk") ?? bag.Double("ai.stream.msToFirstChunk");
        return milliseconds is { } ms && double.IsFinite(ms) && ms >= 0 ? start + (long)(ms * 1e6) : null;
    }

    /// <summary>JSON of a value by its runtime type; null for nothing or an empty collection.</summary>
    private static string? Serialize(object? value)
        => value is null or System.Collections.ICollection { Count: 0 }
            ? null
            : JsonSerializer.Serialize(value, value.GetType(), StoreJson.Options);

    /// <summary>Messages carried by span events, read once per span and only when a source asks for them.</summary>
    private sealed class EventContent(Span span)
    {
        private (List<ChatMessage>? Input, List<ChatMessage>? Output)? _perMessage;
        private (List<ChatMessage>? Input, List<ChatMessage>? Output)? _contentEvents;

        public (List<ChatMessage>? Input, List<ChatMessage>? Output) PerMessage
            => _perMessage ??= GenAiEvents.PerMessage(span.Events);

        public (List<ChatMessage>? Input, List<ChatMessage>? Output) ContentEvents
            => _contentEvents ??= GenAiEvents.ContentEvents(span.Events);
    }
}
