using System.Globalization;
using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// OpenTelemetry GenAI semantic conventions as span attributes (CONVENTIONS.md §1): content attributes of v1.37+
/// (JSON text or structured values, P2), the v1.26 <c>gen_ai.prompt</c>/<c>gen_ai.completion</c> strings, tool,
/// retrieval and request-parameter attributes. The same readers serve the attributes of the
/// <c>gen_ai.client.inference.operation.details</c> event.
/// </summary>
internal static class GenAiConvention
{
    public static List<ChatMessage>? InputMessages(AttributeBag bag)
        => MessageJson.ReadList(bag.Json("gen_ai.input.messages"), "user");

    public static List<ChatMessage>? OutputMessages(AttributeBag bag)
        => MessageJson.ReadList(bag.Json("gen_ai.output.messages"), "assistant");

    /// <summary><c>gen_ai.system_instructions</c> (parts, JSON text of parts, or text) as one system message.</summary>
    public static ChatMessage? SystemInstructions(AttributeBag bag)
    {
        if (bag.Json("gen_ai.system_instructions", textAsString: true) is not { } json)
        {
            return null;
        }

        var wrapped = JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement>
        {
            ["role"] = JsonSerializer.SerializeToElement("system"),
            [json.ValueKind == JsonValueKind.Array ? "parts" : "content"] = json,
        });
        return MessageJson.Read(wrapped, "system");
    }

    /// <summary>
    /// The deprecated v1.26 string attributes <c>gen_ai.prompt</c>/<c>gen_ai.completion</c> (OpenAI-style message
    /// JSON); text that is not JSON becomes one message.
    /// </summary>
    public static List<ChatMessage>? LegacyContent(AttributeBag bag, string key, string defaultRole)
    {
        if (bag.Get(key) is null)
        {
            return null;
        }

        if (bag.Json(key) is { } json)
        {
            return MessageJson.ReadList(json, defaultRole);
        }

        return bag.String(key) is { } text ? [new ChatMessage { Role = defaultRole, Content = text }] : null;
    }

    /// <summary><c>gen_ai.tool.definitions</c> as the client sent them (flat OTel shape).</summary>
    public static List<JsonElement>? ToolDefinitions(AttributeBag bag)
        => JsonItems(bag.Json("gen_ai.tool.definitions"));

    /// <summary><c>gen_ai.retrieval.documents</c>, else the records of a memory search.</summary>
    public static List<RetrievedDocument>? Documents(AttributeBag bag)
    {
        var json = bag.Json("gen_ai.retrieval.documents") ?? bag.Json("gen_ai.memory.records");
        var documents = JsonItems(json)?.Select(ReadDocument).OfType<RetrievedDocument>().ToList();
        return documents is { Count: > 0 } ? documents : null;
    }

    /// <summary>The query of a retrieval or memory-search span.</summary>
    public static string? Query(AttributeBag bag)
        => bag.FirstString("gen_ai.retrieval.query.text", "gen_ai.memory.query.text");

    /// <summary>Tool execution attributes (§1f); arguments and result may be objects or JSON text.</summary>
    public static ToolInvocation? Tool(AttributeBag bag)
    {
        var tool = new ToolInvocation
        {
            Name = bag.String("gen_ai.tool.name"),
            CallId = bag.String("gen_ai.tool.call.id"),
            Description = bag.String("gen_ai.tool.description"),
            Type = bag.String("gen_ai.tool.type"),
            Arguments = bag.String("gen_ai.tool.call.arguments"),
            Result = bag.String("gen_ai.tool.call.result"),
        };
        return tool == new ToolInvocation() ? null : tool;
    }

    /// <summary>Request parameters from <c>gen_ai.request.*</c> under the internal parameter names.</summary>
    public static void AddParameters(AttributeBag bag, Dictionary<string, JsonElement> target)
    {
        foreach (var (key, value) in bag.WithPrefix("gen_ai.request."))
        {
            var name = key["gen_ai.request.".Length..] switch
            {
                "model" or "previous_response.id" => null,
                "stop_sequences" => "stop",
                "choice.count" => "n",
                var other => other.Replace('.', '_'),
            };
            if (name is not null)
            {
                target[name] = AnyValueJson.ToElement(value);
            }
        }

        AddIfPresent(bag, "gen_ai.output.type", "output_type", target);
        AddIfPresent(bag, "gen_ai.embeddings.dimension.count", "dimensions", target);
        AddIfPresent(bag, "gen_ai.openai.request.seed", "seed", target);
        AddIfPresent(bag, "gen_ai.openai.request.response_format", "output_type", target);
    }

    /// <summary>The named prompt template: <c>gen_ai.prompt.name</c>, <c>.version</c>, <c>.variable.*</c>.</summary>
    public static PromptReference? Prompt(AttributeBag bag)
    {
        const string VariablePrefix = "gen_ai.prompt.variable.";
        var variables = bag.WithPrefix(VariablePrefix)
            .ToDictionary(pair => pair.Key[VariablePrefix.Length..], pair => AnyValueJson.ToElement(pair.Value));
        var prompt = new PromptReference
        {
            Name = bag.String("gen_ai.prompt.name"),
            Version = bag.String("gen_ai.prompt.version"),
            Variables = variables.Count == 0 ? null : JsonSerializer.SerializeToElement(variables),
        };
        return prompt == new PromptReference() ? null : prompt;
    }

    /// <summary>Finish reasons from <c>gen_ai.response.finish_reasons</c>.</summary>
    public static IReadOnlyList<string>? FinishReasons(AttributeBag bag)
        => bag.StringList("gen_ai.response.finish_reasons");

    /// <summary>The items of a JSON array (JSON text items parsed), or the value itself if it is an object.</summary>
    public static List<JsonElement>? JsonItems(JsonElement? json)
    {
        if (json is not { } element)
        {
            return null;
        }

        var items = element.ValueKind switch
        {
            JsonValueKind.Array => element.EnumerateArray()
                .Select(item => item.ValueKind == JsonValueKind.String
                    ? AnyValueJson.TryParse(JsonText.GetString(item)) ?? item
                    : item)
                .ToList(),
            JsonValueKind.Object => [element],
            _ => [],
        };
        return items.Count == 0 ? null : items;
    }

    /// <summary>A document object: <c>{id, score, content?, metadata?}</c>.</summary>
    public static RetrievedDocument? ReadDocument(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var document = new RetrievedDocument
        {
            Id = item.TryGetProperty("id", out var id) ? MessageJson.AsText(id) : null,
            Content = item.TryGetProperty("content", out var content) ? MessageJson.AsText(content)
                : item.TryGetProperty("text", out content) ? MessageJson.AsText(content) : null,
            Score = item.TryGetProperty("score", out var score) ? Number(score) : null,
            Metadata = item.TryGetProperty("metadata", out var metadata) && metadata.ValueKind != JsonValueKind.Null
                ? metadata.Clone()
                : null,
        };
        return document.Id is null && document.Content is null ? null : document;
    }

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(
            JsonText.GetString(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static void AddIfPresent(AttributeBag bag, string key, string name, Dictionary<string, JsonElement> target)
    {
        if (bag.Get(key) is { } value && !target.ContainsKey(name))
        {
            target[name] = AnyValueJson.ToElement(value);
        }
    }
}
