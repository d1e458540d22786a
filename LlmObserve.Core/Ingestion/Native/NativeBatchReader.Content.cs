using System.Buffers;
using System.Text.Json;
using LlmObserve.Core.Ingestion.Otlp.Conventions;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Native;

/// <summary>Span content of the native batch: messages, documents, tool calls and usage.</summary>
public sealed partial class NativeBatchReader
{
    private static void ApplyContent(SpanEntity span, JsonElement element, string path, ReadContext context)
    {
        var truncations = StoreJson.Deserialize<List<TruncationNote>>(span.TruncationsJson) ?? [];
        if (element.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null)
        {
            var (text, messages) = ReadContent(input, $"{path}.input", preferLastUser: true);
            span.InputText = LimitNoted(text, "input", context.Options.MaxFieldChars, truncations);
            span.InputMessagesJson = StoreJson.Serialize(LimitMessages(messages, "input", context, truncations));
        }

        if (element.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null)
        {
            var (text, messages) = ReadContent(output, $"{path}.output", preferLastUser: false);
            span.OutputText = LimitNoted(text, "output", context.Options.MaxFieldChars, truncations);
            span.OutputMessagesJson = StoreJson.Serialize(LimitMessages(messages, "output", context, truncations));
        }

        if (truncations.Count > 0)
        {
            span.TruncationsJson = StoreJson.Serialize(truncations);
        }
    }

    private static (string? Text, List<ChatMessage>? Messages) ReadContent(
        JsonElement value,
        string path,
        bool preferLastUser)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return (SafeString(value), null);
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            && value.EnumerateArray().All(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out _)))
        {
            var messages = new List<ChatMessage>();
            var index = 0;
            foreach (var m in value.EnumerateArray())
            {
                messages.Add(ReadMessage(m, $"{path}[{index++}]"));
            }

            var chosen = preferLastUser
                ? messages.LastOrDefault(m => m.Role == "user" && m.Content is not null)
                : messages.LastOrDefault(m => m.Content is not null);
            return (chosen?.Content ?? messages.LastOrDefault()?.Content, messages);
        }

        if (value.ValueKind == JsonValueKind.Array && IsContentParts(value)
            && MessageJson.ReadContent(value) is { } content
            && (content.Text is not null || content.Parts.Count > 0))
        {
            // A bare list of parts (text, images) without a role is one message of its side, read as message content
            // is: the text parts are the text, and an image stays a part shown as a thumbnail, not base64 text.
            var message = new ChatMessage
            {
                Role = preferLastUser ? "user" : "assistant",
                Content = content.Text,
                Parts = content.Parts.Count == 0 ? null : content.Parts,
                ToolCalls = content.ToolCalls.Count == 0 ? null : [.. content.ToolCalls],
                ToolCallId = content.ToolCallId,
            };
            return (content.Text, [message]);
        }

        return (value.GetRawText(), null);
    }

    private static ChatMessage ReadMessage(JsonElement message, string path)
    {
        var role = OptionalString(message, "role", path) ?? "user";
        string? content = null;
        IReadOnlyList<JsonElement>? parts = null;
        var toolCalls = new List<ToolCall>();
        string? answeredCallId = null;
        if (message.TryGetProperty("content", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.String)
            {
                content = SafeString(c);
            }
            else if (IsContentParts(c))
            {
                // Multimodal content is read as the OTLP conventions read it: the text parts are the text, and an
                // image stays a part the page shows as a thumbnail, never its base64 as text.
                var read = MessageJson.ReadContent(c);
                content = read.Text;
                parts = read.Parts.Count == 0 ? null : read.Parts;
                toolCalls.AddRange(read.ToolCalls);
                answeredCallId = read.ToolCallId;
            }
            else
            {
                content = c.GetRawText();
            }
        }

        if (message.TryGetProperty("toolCalls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = $"{path}.toolCalls[{index++}]";
                toolCalls.Add(new ToolCall
                {
                    Id = OptionalString(call, "id", callPath),
                    Name = OptionalString(call, "name", callPath)
                        ?? throw new NativeItemException($"{callPath}.name", "is required."),
                    Arguments = call.TryGetProperty("arguments", out var a)
                        ? a.ValueKind == JsonValueKind.String ? SafeString(a) : a.GetRawText()
                        : null,
                });
            }
        }

        return new ChatMessage
        {
            Role = role,
            Name = OptionalString(message, "name", path),
            Content = content,
            Parts = parts,
            ToolCalls = toolCalls.Count == 0 ? null : toolCalls,
            ToolCallId = OptionalString(message, "toolCallId", path) ?? answeredCallId,
        };
    }

    /// <summary>A part (an object with a <c>type</c>) or a list of parts and strings; other JSON stays text.</summary>
    private static bool IsContentParts(JsonElement content)
    {
        static bool IsPart(JsonElement item)
            => item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String;

        return content.ValueKind switch
        {
            JsonValueKind.Object => IsPart(content),
            JsonValueKind.Array => content.GetArrayLength() > 0
                && content.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String || IsPart(item)),
            _ => false,
        };
    }

    private static List<ChatMessage>? LimitMessages(
        List<ChatMessage>? messages,
        string field,
        ReadContext context,
        List<TruncationNote> truncations)
    {
        if (messages is null)
        {
            return null;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var limited = LimitNoted(
                messages[i].Content,
                $"{field}Messages[{i}].content",
                context.Options.MaxFieldChars,
                truncations);
            if (!ReferenceEquals(limited, messages[i].Content))
            {
                messages[i] = messages[i] with { Content = limited };
            }

            if (messages[i].Parts is { } parts)
            {
                var path = $"{field}Messages[{i}].parts";
                messages[i] = messages[i] with
                {
                    Parts = [.. parts.Select((part, j) => LimitPart(part, $"{path}[{j}]", context, truncations))],
                };
            }
        }

        return messages;
    }

    /// <summary>
    /// A part copied with each string cut at the field limit, as OTLP content is: an image too large to store whole
    /// becomes a short marked text rather than megabytes in the store. Broken escapes are repaired on the way.
    /// </summary>
    private static JsonElement LimitPart(
        JsonElement part,
        string path,
        ReadContext context,
        List<TruncationNote> truncations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = StoreJson.Options.Encoder }))
        {
            WriteLimited(writer, part, path, context.Options.MaxFieldChars, truncations);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void ApplyDocuments(SpanEntity span, JsonElement element, string path, ReadContext context)
    {
        if (!element.TryGetProperty("documents", out var docs) || docs.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (docs.ValueKind != JsonValueKind.Array)
        {
            throw new NativeItemException($"{path}.documents", "must be an array.");
        }

        var documents = new List<RetrievedDocument>();
        var index = 0;
        foreach (var doc in docs.EnumerateArray())
        {
            var docPath = $"{path}.documents[{index++}]";
            if (doc.ValueKind == JsonValueKind.String)
            {
                var content = Limit(SafeString(doc), context.Options.MaxFieldChars);
                documents.Add(new RetrievedDocument { Content = content });
                continue;
            }

            documents.Add(new RetrievedDocument
            {
                Id = OptionalString(doc, "id", docPath),
                Content = Limit(OptionalString(doc, "content", docPath), context.Options.MaxFieldChars),
                Score = doc.TryGetProperty("score", out var s) && s.ValueKind != JsonValueKind.Null
                    ? FiniteNumber(s, $"{docPath}.score", allowNegative: true)
                    : null,
                Metadata = doc.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
                    ? m.Clone()
                    : null,
            });
        }

        span.DocumentsJson = StoreJson.Serialize(documents);
    }

    private static void ApplyTool(SpanEntity span, JsonElement element, string path, ReadContext context)
    {
        if (!element.TryGetProperty("tool", out var tool) || tool.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (tool.ValueKind != JsonValueKind.Object)
        {
            throw new NativeItemException($"{path}.tool", "must be an object.");
        }

        string? Raw(string name) => tool.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? Limit(v.ValueKind == JsonValueKind.String ? SafeString(v) : v.GetRawText(), context.Options.MaxFieldChars)
            : null;

        var invocation = new ToolInvocation
        {
            Name = OptionalString(tool, "name", $"{path}.tool"),
            CallId = OptionalString(tool, "callId", $"{path}.tool"),
            Description = OptionalString(tool, "description", $"{path}.tool"),
            Arguments = Raw("arguments"),
            Result = Raw("result"),
        };
        span.ToolJson = StoreJson.Serialize(invocation);
        span.InputText ??= invocation.Arguments;
        span.OutputText ??= invocation.Result;
    }

    private static void ApplyUsage(SpanEntity span, JsonElement element, string path)
    {
        if (!element.TryGetProperty("usage", out var usage) || usage.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (usage.ValueKind != JsonValueKind.Object)
        {
            throw new NativeItemException($"{path}.usage", "must be an object of token counts.");
        }

        long? Count(string name)
        {
            if (!usage.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n) || n < 0)
            {
                throw new NativeItemException($"{path}.usage.{name}", "must be a whole number of tokens, 0 or more.");
            }

            return n;
        }

        span.InputTokens = Count("input");
        span.OutputTokens = Count("output");
        span.CacheReadTokens = Count("cacheRead");
        span.CacheWriteTokens = Count("cacheWrite");
        span.ReasoningTokens = Count("reasoning");
        span.TotalTokens = Count("total")
            ?? (span.InputTokens is null && span.OutputTokens is null
                ? null
                : (span.InputTokens ?? 0) + (span.OutputTokens ?? 0));
    }
}
