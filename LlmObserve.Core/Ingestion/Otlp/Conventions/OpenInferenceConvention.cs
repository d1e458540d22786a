using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// OpenInference (CONVENTIONS.md §2): lists flattened into <c>prefix.N.suffix</c> keys (messages, their content
/// parts and tool calls, documents, tools), JSON-text attributes (<c>llm.invocation_parameters</c>,
/// <c>metadata</c>, <c>document.metadata</c>) and the <c>llm.token_count.*</c>/<c>llm.cost.*</c> numbers.
/// </summary>
internal static class OpenInferenceConvention
{
    public const string InputMessagesPrefix = "llm.input_messages";

    public const string OutputMessagesPrefix = "llm.output_messages";

    /// <summary>Messages under a prefix; the un-flattened value at the prefix itself is accepted too.</summary>
    public static List<ChatMessage>? Messages(AttributeBag bag, string prefix, string defaultRole)
    {
        var messages = FlattenedLists.Read(bag, prefix)
            .Select(item => ReadMessage(item.Item, defaultRole))
            .OfType<ChatMessage>()
            .ToList();
        if (messages.Count > 0)
        {
            return messages;
        }

        return MessageJson.ReadList(bag.Json(prefix), defaultRole);
    }

    /// <summary>Legacy completions: <c>llm.prompts.N.prompt.text</c>, <c>llm.choices.N.completion.text</c>.</summary>
    public static List<ChatMessage>? LegacyCompletion(AttributeBag bag, bool input)
    {
        var (prefix, field, role) = input
            ? ("llm.prompts", "prompt.text", "user")
            : ("llm.choices", "completion.text", "assistant");
        var texts = FlattenedLists.Read(bag, prefix).Select(item => item.Item.String(field)).OfType<string>().ToList();
        if (texts.Count == 0 && input && bag.StringList(prefix) is { } plain)
        {
            texts = [.. plain];
        }

        return texts.Count == 0 ? null : texts.Select(text => new ChatMessage { Role = role, Content = text }).ToList();
    }

    /// <summary>Documents under <c>retrieval.documents</c> or <c>reranker.output_documents</c>.</summary>
    public static List<RetrievedDocument>? Documents(AttributeBag bag, string prefix)
    {
        var documents = FlattenedLists.Read(bag, prefix)
            .Select(item => item.Item)
            .Select(document => new RetrievedDocument
            {
                Id = document.String("document.id"),
                Content = document.String("document.content"),
                Score = document.Double("document.score"),
                Metadata = document.Json("document.metadata", textAsString: true),
            })
            .Where(document => document.Id is not null || document.Content is not null)
            .ToList();
        return documents.Count == 0 ? null : documents;
    }

    /// <summary>The texts of an embedding span (<c>embedding.embeddings.N.embedding.text</c>), one per line.</summary>
    public static string? EmbeddingText(AttributeBag bag)
    {
        var texts = FlattenedLists.Read(bag, "embedding.embeddings")
            .Select(item => item.Item.String("embedding.text"))
            .OfType<string>()
            .ToList();
        return texts.Count == 0 ? null : string.Join("\n", texts);
    }

    /// <summary>Tools offered to the model: <c>llm.tools.N.tool.json_schema</c> (OpenAI nested shape, P8).</summary>
    public static List<JsonElement>? ToolDefinitions(AttributeBag bag)
    {
        var tools = FlattenedLists.Read(bag, "llm.tools")
            .Select(item => item.Item.Json("tool.json_schema", textAsString: true))
            .OfType<JsonElement>()
            .ToList();
        return tools.Count == 0 ? null : tools;
    }

    /// <summary><c>llm.invocation_parameters</c> or <c>embedding.invocation_parameters</c> (JSON text).</summary>
    public static void AddParameters(AttributeBag bag, Dictionary<string, JsonElement> target)
    {
        var json = bag.Json("llm.invocation_parameters") ?? bag.Json("embedding.invocation_parameters");
        MergeObject(json, target);
    }

    /// <summary>The <c>metadata</c> JSON object.</summary>
    public static void AddMetadata(AttributeBag bag, Dictionary<string, JsonElement> target)
        => MergeObject(bag.Json("metadata"), target);

    /// <summary>Prompt template and external prompt reference.</summary>
    public static PromptReference? Prompt(AttributeBag bag)
    {
        var prompt = new PromptReference
        {
            Name = bag.String("prompt.id"),
            Version = bag.String("llm.prompt_template.version"),
            Template = bag.String("llm.prompt_template.template"),
            Variables = bag.Json("llm.prompt_template.variables", textAsString: true),
        };
        return prompt == new PromptReference() ? null : prompt;
    }

    /// <summary>Reported cost: total (or prompt + completion) and the breakdown, from <c>llm.cost.*</c>.</summary>
    public static (double Total, Dictionary<string, JsonElement> Details)? Cost(AttributeBag bag)
    {
        var details = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, _) in bag.WithPrefix("llm.cost."))
        {
            if (bag.Double(key) is { } value && double.IsFinite(value))
            {
                details[key["llm.cost.".Length..]] = JsonSerializer.SerializeToElement(value);
            }
        }

        var total = bag.Double("llm.cost.total");
        var prompt = bag.Double("llm.cost.prompt");
        var completion = bag.Double("llm.cost.completion");
        if (total is null && (prompt is not null || completion is not null))
        {
            total = (prompt ?? 0) + (completion ?? 0);
        }

        return total is { } sum && double.IsFinite(sum) ? (sum, details) : null;
    }

    /// <summary>Copies the properties of a JSON object (or JSON object text) into the target, overwriting.</summary>
    public static void MergeObject(JsonElement? json, Dictionary<string, JsonElement> target)
    {
        if (json is not { ValueKind: JsonValueKind.Object } obj)
        {
            return;
        }

        foreach (var property in obj.EnumerateObject())
        {
            target[property.Name] = property.Value.Clone();
        }
    }

    private static ChatMessage? ReadMessage(AttributeBag message, string defaultRole)
    {
        var texts = new List<string>();
        var parts = new List<JsonElement>();
        var toolCalls = new List<ToolCall>();
        if (message.String("message.content") is { } content)
        {
            texts.Add(content);
        }

        foreach (var (_, part) in FlattenedLists.Read(message, "message.contents"))
        {
            if (ReadToolCall(part, "tool_call.") is { } call)
            {
                toolCalls.Add(call);
                continue;
            }

            var type = part.String("message_content.type");
            if ((type is null or "text") && part.String("message_content.text") is { } text)
            {
                texts.Add(text);
            }
            else
            {
                // Kept verbatim, flattened keys without the message_content prefix (image.image.url, signature …).
                parts.Add(JsonSerializer.SerializeToElement(part.Values.ToDictionary(
                    pair => pair.Key.StartsWith("message_content.", StringComparison.Ordinal)
                        ? pair.Key["message_content.".Length..]
                        : pair.Key,
                    pair => AnyValueJson.ToElement(pair.Value))));
            }
        }

        toolCalls.AddRange(FlattenedLists.Read(message, "message.tool_calls")
            .Select(item => ReadToolCall(item.Item, "tool_call."))
            .OfType<ToolCall>());
        if (message.String("message.function_call_name") is { } functionName)
        {
            toolCalls.Add(new ToolCall
            {
                Name = functionName,
                Arguments = message.String("message.function_call_arguments_json"),
            });
        }

        var toolCallId = message.String("message.tool_call_id");
        if (texts.Count == 0 && parts.Count == 0 && toolCalls.Count == 0 && toolCallId is null)
        {
            return null;
        }

        return new ChatMessage
        {
            Role = message.String("message.role") ?? defaultRole,
            Name = message.String("message.name"),
            Content = texts.Count == 0 ? null : string.Join("\n", texts),
            Parts = parts.Count == 0 ? null : parts,
            ToolCalls = toolCalls.Count == 0 ? null : toolCalls,
            ToolCallId = toolCallId,
        };
    }

    private static ToolCall? ReadToolCall(AttributeBag call, string prefix)
    {
        var name = call.String(prefix + "function.name");
        return name is null
            ? null
            : new ToolCall
            {
                Id = call.String(prefix + "id"),
                Name = name,
                Arguments = call.String(prefix + "function.arguments"),
            };
    }
}
