using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// GenAI content carried by span events rather than attributes (P3): the v1.26–27 <c>gen_ai.content.*</c> events,
/// the v1.28–36 per-message events bridged onto the span (body fields flattened into event attributes, or a
/// <c>body</c> attribute), the v1.37+ <c>gen_ai.client.inference.operation.details</c> event, and exceptions.
/// </summary>
internal static class GenAiEvents
{
    public const string DetailsEvent = "gen_ai.client.inference.operation.details";

    private const string ChoiceEvent = "gen_ai.choice";

    private static readonly Dictionary<string, string> _messageEventRoles = new(StringComparer.Ordinal)
    {
        ["gen_ai.system.message"] = "system",
        ["gen_ai.user.message"] = "user",
        ["gen_ai.assistant.message"] = "assistant",
        ["gen_ai.tool.message"] = "tool",
    };

    // Body fields that hold structures; a bridge may have stringified them. Other strings (content) stay text.
    private static readonly HashSet<string> _structuredBodyFields = new(StringComparer.Ordinal)
    {
        "tool_calls", "message", "parts",
    };

    /// <summary>The attributes of the operation-details event, or null when the span has none.</summary>
    public static AttributeBag? Details(RepeatedField<Span.Types.Event> events)
    {
        var details = events.FirstOrDefault(e => e.Name == DetailsEvent);
        return details is null ? null : new AttributeBag(details.Attributes);
    }

    /// <summary>True when any per-message, choice or content event is present (type detection rule 9).</summary>
    public static bool HasContentEvents(RepeatedField<Span.Types.Event> events)
        => events.Any(e => _messageEventRoles.ContainsKey(e.Name) || e.Name is ChoiceEvent or DetailsEvent
            or "gen_ai.content.prompt" or "gen_ai.content.completion");

    /// <summary>Input from per-message events in order; output from <c>gen_ai.choice</c> events by index.</summary>
    public static (List<ChatMessage>? Input, List<ChatMessage>? Output) PerMessage(
        RepeatedField<Span.Types.Event> events)
    {
        var input = new List<ChatMessage>();
        var choices = new List<(long Index, int Order, ChatMessage Message)>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (_messageEventRoles.TryGetValue(e.Name, out var role))
            {
                var body = Body(e);
                if (MessageJson.Read(body, role) is { } message)
                {
                    // gen_ai.tool.message names the call it answers "id".
                    input.Add(role == "tool" && message.ToolCallId is null
                        ? message with { ToolCallId = MessageJson.Text(body, "id") }
                        : message);
                }
            }
            else if (e.Name == ChoiceEvent && ReadChoice(Body(e)) is { } choice)
            {
                choices.Add((choice.Index ?? long.MaxValue, i, choice.Message));
            }
        }

        var output = choices.OrderBy(c => c.Index).ThenBy(c => c.Order).Select(c => c.Message).ToList();
        return (input.Count == 0 ? null : input, output.Count == 0 ? null : output);
    }

    /// <summary>The v1.26 <c>gen_ai.content.prompt</c>/<c>gen_ai.content.completion</c> events.</summary>
    public static (List<ChatMessage>? Input, List<ChatMessage>? Output) ContentEvents(
        RepeatedField<Span.Types.Event> events)
    {
        List<ChatMessage>? input = null;
        List<ChatMessage>? output = null;
        foreach (var e in events)
        {
            if (e.Name == "gen_ai.content.prompt")
            {
                input ??= GenAiConvention.LegacyContent(new AttributeBag(e.Attributes), "gen_ai.prompt", "user");
            }
            else if (e.Name == "gen_ai.content.completion")
            {
                output ??= GenAiConvention.LegacyContent(
                    new AttributeBag(e.Attributes), "gen_ai.completion", "assistant");
            }
        }

        return (input, output);
    }

    /// <summary>Type and message of the first exception event (<c>exception</c> or the GenAI one).</summary>
    public static (string? Type, string? Message, bool IsStandard)? Exception(RepeatedField<Span.Types.Event> events)
    {
        foreach (var e in events)
        {
            if (e.Name is "exception" or "gen_ai.client.operation.exception")
            {
                var bag = new AttributeBag(e.Attributes);
                return (bag.String("exception.type"), bag.String("exception.message"), e.Name == "exception");
            }
        }

        return null;
    }

    private static (long? Index, ChatMessage Message)? ReadChoice(JsonElement body)
    {
        var hasMessage = body.TryGetProperty("message", out var messageJson)
            && messageJson.ValueKind == JsonValueKind.Object;
        var message = MessageJson.Read(hasMessage ? messageJson : body, "assistant");

        // v1.36 lists tool_calls beside message while its examples nest them inside; accept both.
        var toolCalls = new List<ToolCall>();
        if (hasMessage)
        {
            MessageJson.ReadToolCalls(body, toolCalls);
        }

        if (message is null && toolCalls.Count == 0)
        {
            return null;
        }

        message ??= new ChatMessage { Role = "assistant" };
        if (toolCalls.Count > 0 && message.ToolCalls is null)
        {
            message = message with { ToolCalls = toolCalls };
        }

        if (MessageJson.Text(body, "finish_reason") is { } finishReason)
        {
            message = message with { FinishReason = finishReason };
        }

        long? index = body.TryGetProperty("index", out var indexJson) && indexJson.ValueKind == JsonValueKind.Number
            && indexJson.TryGetInt64(out var value)
            ? value
            : null;
        return (index, message);
    }

    /// <summary>The event body: a <c>body</c> attribute when present, else the attributes as one object.</summary>
    private static JsonElement Body(Span.Types.Event e)
    {
        var bag = new AttributeBag(e.Attributes);
        if ((bag.Json("body") ?? bag.Json("event.body")) is { ValueKind: JsonValueKind.Object } body)
        {
            return body;
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in bag.Values)
        {
            fields[key] = _structuredBodyFields.Contains(key) && bag.Json(key) is { } structured
                ? structured
                : AnyValueJson.ToElement(value);
        }

        return JsonSerializer.SerializeToElement(fields);
    }
}
