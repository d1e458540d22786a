using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// Traceloop / OpenLLMetry (CONVENTIONS.md §4): the classic flattened <c>gen_ai.prompt.N.*</c> and
/// <c>gen_ai.completion.N.*</c> messages, <c>llm.request.functions.N.*</c>, <c>traceloop.*</c> entity and
/// association attributes, and the <c>llm.*</c> request parameters.
/// </summary>
internal static class TraceloopConvention
{
    public const string PromptPrefix = "gen_ai.prompt";

    public const string CompletionPrefix = "gen_ai.completion";

    private static readonly (string Key, string Name)[] _parameters =
    [
        ("llm.top_k", "top_k"),
        ("llm.frequency_penalty", "frequency_penalty"),
        ("llm.presence_penalty", "presence_penalty"),
        ("llm.chat.stop_sequences", "stop"),
        ("llm.is_streaming", "stream"),
        ("gen_ai.is_streaming", "stream"),
    ];

    /// <summary>Messages under <c>gen_ai.prompt</c> or <c>gen_ai.completion</c>.</summary>
    public static List<ChatMessage>? Messages(AttributeBag bag, string prefix, string defaultRole)
    {
        var messages = FlattenedLists.Read(bag, prefix)
            .Select(item => ReadMessage(item.Item, defaultRole))
            .OfType<ChatMessage>()
            .ToList();
        return messages.Count == 0 ? null : messages;
    }

    /// <summary>Offered functions of classic releases: <c>llm.request.functions.N.*</c>.</summary>
    public static List<JsonElement>? ToolDefinitions(AttributeBag bag)
    {
        var tools = new List<JsonElement>();
        foreach (var (_, function) in FlattenedLists.Read(bag, "llm.request.functions"))
        {
            if (function.String("name") is not { } name)
            {
                continue;
            }

            var tool = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement(name) };
            if (function.String("description") is { } description)
            {
                tool["description"] = JsonSerializer.SerializeToElement(description);
            }

            if (function.Json("parameters", textAsString: true) is { } parameters)
            {
                tool["parameters"] = parameters;
            }

            tools.Add(JsonSerializer.SerializeToElement(tool));
        }

        return tools.Count == 0 ? null : tools;
    }

    public static void AddParameters(AttributeBag bag, Dictionary<string, JsonElement> target)
    {
        foreach (var (key, name) in _parameters)
        {
            if (bag.Get(key) is { } value && !target.ContainsKey(name))
            {
                target[name] = AnyValueJson.ToElement(value);
            }
        }
    }

    /// <summary><c>traceloop.association.properties.*</c>, set by users for grouping (session, user …).</summary>
    public static void AddMetadata(AttributeBag bag, Dictionary<string, JsonElement> target)
    {
        const string Prefix = "traceloop.association.properties.";
        foreach (var (key, value) in bag.WithPrefix(Prefix))
        {
            target[key[Prefix.Length..]] = AnyValueJson.ToElement(value);
        }
    }

    public static string? SessionId(AttributeBag bag) => bag.String("traceloop.association.properties.session_id");

    public static string? UserId(AttributeBag bag) => bag.String("traceloop.association.properties.user_id");

    public static string? EntityInput(AttributeBag bag) => bag.String("traceloop.entity.input");

    public static string? EntityOutput(AttributeBag bag) => bag.String("traceloop.entity.output");

    /// <summary>Vector-store hits recorded as <c>db.query.result</c> span events.</summary>
    public static List<RetrievedDocument>? Documents(RepeatedField<Span.Types.Event> events)
    {
        var documents = events.Where(e => e.Name == "db.query.result")
            .Select(e => new AttributeBag(e.Attributes))
            .Select(result => new RetrievedDocument
            {
                Id = result.String("db.query.result.id"),
                Content = result.String("db.query.result.document"),
                Score = result.Double("db.query.result.score"),
                Metadata = result.Json("db.query.result.metadata", textAsString: true),
            })
            .Where(document => document.Id is not null || document.Content is not null)
            .ToList();
        return documents.Count == 0 ? null : documents;
    }

    public static PromptReference? Prompt(AttributeBag bag)
    {
        var prompt = new PromptReference
        {
            Name = bag.String("traceloop.prompt.key"),
            Version = bag.FirstString("traceloop.prompt.version", "traceloop.prompt.version_name"),
            Template = bag.String("traceloop.prompt.template"),
            Variables = bag.Json("traceloop.prompt.template_variables", textAsString: true),
        };
        return prompt == new PromptReference() ? null : prompt;
    }

    private static ChatMessage? ReadMessage(AttributeBag message, string defaultRole)
    {
        var toolCalls = FlattenedLists.Read(message, "tool_calls")
            .Select(item => item.Item.String("name") is { } name
                ? new ToolCall { Id = item.Item.String("id"), Name = name, Arguments = item.Item.String("arguments") }
                : null)
            .OfType<ToolCall>()
            .ToList();

        // Content is text, or the JSON text of a content-part list; "refusal" stands in when there is none.
        var content = message.String("content");
        var parts = (List<JsonElement>?)null;
        if (content is not null && message.Json("content") is { ValueKind: JsonValueKind.Array } partList
            && partList.EnumerateArray().All(part => part.ValueKind == JsonValueKind.Object)
            && MessageJson.Read(JsonSerializer.SerializeToElement(new { role = defaultRole, content = partList }),
                defaultRole) is { } parsed)
        {
            content = parsed.Content;
            parts = parsed.Parts?.ToList();
        }

        content ??= message.String("refusal");
        var toolCallId = message.String("tool_call_id");
        if (content is null && parts is null && toolCalls.Count == 0 && toolCallId is null)
        {
            return null;
        }

        return new ChatMessage
        {
            Role = message.String("role") ?? defaultRole,
            Content = content,
            Parts = parts,
            ToolCalls = toolCalls.Count == 0 ? null : toolCalls,
            ToolCallId = toolCallId,
            FinishReason = message.String("finish_reason"),
        };
    }
}
