using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// What a message's content holds: the text parts joined, the other parts (images, files, unknown kinds) verbatim,
/// tool calls sent as parts, and the call a tool-result part answers.
/// </summary>
internal sealed record MessageContent(
    string? Text,
    IReadOnlyList<JsonElement> Parts,
    IReadOnlyList<ToolCall> ToolCalls,
    string? ToolCallId);

/// <summary>
/// Reads chat messages from JSON in the shapes conventions use: OTel GenAI <c>{role, parts[], name?,
/// finish_reason?}</c> and OpenAI-style <c>{role, content (text or parts), tool_calls?, tool_call_id?}</c>.
/// Parsing is lenient (P14): unknown part kinds are kept verbatim, missing roles get a default.
/// </summary>
internal static class MessageJson
{
    /// <summary>Messages from an array of message objects, or from a single message object.</summary>
    public static List<ChatMessage>? ReadList(JsonElement? json, string defaultRole)
    {
        if (json is not { } element)
        {
            return null;
        }

        var messages = new List<ChatMessage>();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Read(item, defaultRole) is { } message)
                {
                    messages.Add(message);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object && Read(element, defaultRole) is { } message)
        {
            messages.Add(message);
        }

        return messages.Count == 0 ? null : messages;
    }

    /// <summary>True when the JSON looks like a message list (every item an object with a role).</summary>
    public static bool IsMessageList(JsonElement json)
        => json.ValueKind == JsonValueKind.Array && json.GetArrayLength() > 0
            && json.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String);

    /// <summary>One message object; null when it carries nothing.</summary>
    public static ChatMessage? Read(JsonElement message, string defaultRole)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var texts = new List<string>();
        var parts = new List<JsonElement>();
        var toolCalls = new List<ToolCall>();
        var toolCallId = Text(message, "tool_call_id") ?? Text(message, "toolCallId");

        if (message.TryGetProperty("parts", out var partList) && partList.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in partList.EnumerateArray())
            {
                ReadPart(part, texts, parts, toolCalls, ref toolCallId);
            }
        }

        if (message.TryGetProperty("content", out var content))
        {
            ReadContent(content, texts, parts, toolCalls, ref toolCallId);
        }

        ReadToolCalls(message, toolCalls);

        if (texts.Count == 0 && parts.Count == 0 && toolCalls.Count == 0 && toolCallId is null)
        {
            return null;
        }

        return new ChatMessage
        {
            Role = Text(message, "role") ?? defaultRole,
            Name = Text(message, "name"),
            Content = texts.Count == 0 ? null : string.Join("\n", texts),
            Parts = parts.Count == 0 ? null : parts,
            ToolCalls = toolCalls.Count == 0 ? null : toolCalls,
            ToolCallId = toolCallId,
            FinishReason = Text(message, "finish_reason") ?? Text(message, "finishReason"),
        };
    }

    /// <summary>A message's content given as text, as one part or as a list of parts.</summary>
    public static MessageContent ReadContent(JsonElement content)
    {
        var texts = new List<string>();
        var parts = new List<JsonElement>();
        var toolCalls = new List<ToolCall>();
        string? toolCallId = null;
        ReadContent(content, texts, parts, toolCalls, ref toolCallId);
        return new MessageContent(texts.Count == 0 ? null : string.Join("\n", texts), parts, toolCalls, toolCallId);
    }

    /// <summary>OpenAI-style <c>tool_calls</c> (nested <c>function</c>) or flat <c>{id, name, arguments}</c>.</summary>
    public static void ReadToolCalls(JsonElement owner, List<ToolCall> target)
    {
        if (owner.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (owner.TryGetProperty("tool_calls", out var calls) || owner.TryGetProperty("toolCalls", out calls))
        {
            if (calls.ValueKind == JsonValueKind.String
                && AnyValueJson.TryParse(JsonText.GetString(calls)) is { } parsed)
            {
                calls = parsed;
            }

            if (calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (ReadToolCall(call) is { } toolCall)
                    {
                        target.Add(toolCall);
                    }
                }
            }
        }

        // Legacy OpenAI function calling: one call per message.
        if (owner.TryGetProperty("function_call", out var function) && ReadToolCall(function) is { } legacy)
        {
            target.Add(legacy);
        }
    }

    /// <summary>Text of a string property, or null.</summary>
    public static string? Text(JsonElement owner, string property)
        => owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(property, out var value)
            ? NonEmpty(JsonText.GetString(value))
            : null;

    /// <summary>A value as the text a person reads: a string as itself, anything else as compact JSON.</summary>
    public static string? AsText(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => JsonText.GetString(value.Value),
        _ => value.Value.GetRawText(),
    };

    private static ToolCall? ReadToolCall(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var function = call.TryGetProperty("function", out var nested) && nested.ValueKind == JsonValueKind.Object
            ? nested
            : call;
        var name = Text(function, "name");
        if (name is null)
        {
            return null;
        }

        function.TryGetProperty("arguments", out var arguments);
        return new ToolCall { Id = Text(call, "id"), Name = name, Arguments = AsText(arguments) };
    }

    private static void ReadPart(
        JsonElement part,
        List<string> texts,
        List<JsonElement> parts,
        List<ToolCall> toolCalls,
        ref string? toolCallId)
    {
        if (part.ValueKind == JsonValueKind.String)
        {
            texts.Add(JsonText.GetString(part)!);
            return;
        }

        switch (Text(part, "type"))
        {
            case "text" or "input_text" or "output_text":
                if ((Text(part, "content") ?? Text(part, "text")) is { } text)
                {
                    texts.Add(text);
                }

                return;
            case "tool_call" or "function_call":
                if (ReadToolCall(part) is { } call)
                {
                    toolCalls.Add(call);
                    return;
                }

                break;
            case "tool_call_response" or "tool_result" or "function_call_output":
                // The schema calls it "response"; registry examples up to v1.41 used "result" (P7).
                toolCallId ??= Text(part, "id") ?? Text(part, "tool_call_id") ?? Text(part, "call_id");
                var response = part.TryGetProperty("response", out var r) ? r
                    : part.TryGetProperty("result", out r) ? r
                    : part.TryGetProperty("output", out r) ? r
                    : part.TryGetProperty("content", out r) ? r : default;
                if (AsText(response) is { } responseText)
                {
                    texts.Add(responseText);
                }

                return;
        }

        parts.Add(part.Clone());
    }

    private static void ReadContent(
        JsonElement content,
        List<string> texts,
        List<JsonElement> parts,
        List<ToolCall> toolCalls,
        ref string? toolCallId)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                if (NonEmpty(JsonText.GetString(content)) is { } text)
                {
                    texts.Add(text);
                }

                break;
            case JsonValueKind.Array:
                foreach (var part in content.EnumerateArray())
                {
                    ReadPart(part, texts, parts, toolCalls, ref toolCallId);
                }

                break;
            case JsonValueKind.Object:
                ReadPart(content, texts, parts, toolCalls, ref toolCallId);
                break;
        }
    }

    /// <summary>Readable input: the last user message's text, else the last message with text.</summary>
    public static string? RenderInput(IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is null)
        {
            return null;
        }

        return messages.LastOrDefault(message => message.Role == "user" && message.Content is not null)?.Content
            ?? messages.LastOrDefault(message => message.Content is not null)?.Content;
    }

    /// <summary>Readable output: the messages' text, and requested tool calls as <c>name(arguments)</c>.</summary>
    public static string? RenderOutput(IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is null)
        {
            return null;
        }

        var lines = new List<string>();
        foreach (var message in messages)
        {
            if (message.Content is not null)
            {
                lines.Add(message.Content);
            }

            lines.AddRange(message.ToolCalls?.Select(call => $"{call.Name}({call.Arguments})") ?? []);
        }

        return lines.Count == 0 ? null : string.Join("\n", lines);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
