using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmObserve.Core.Traces;

/// <summary>A chat message of a generation's input or output.</summary>
public sealed record ChatMessage
{
    public required string Role { get; init; }

    public string? Name { get; init; }

    /// <summary>The message's text (text parts joined); null when the message holds only tool calls.</summary>
    public string? Content { get; init; }

    /// <summary>Non-text parts (images, files, unknown kinds) kept verbatim.</summary>
    public IReadOnlyList<JsonElement>? Parts { get; init; }

    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>For a tool-result message, the call it answers.</summary>
    public string? ToolCallId { get; init; }

    public string? FinishReason { get; init; }
}

/// <summary>A tool call requested by the model.</summary>
public sealed record ToolCall
{
    public string? Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Arguments as the provider sent them, usually a JSON string.</summary>
    public string? Arguments { get; init; }
}

/// <summary>A document a retrieval or reranker span returned.</summary>
public sealed record RetrievedDocument
{
    public string? Id { get; init; }

    public string? Content { get; init; }

    public double? Score { get; init; }

    public JsonElement? Metadata { get; init; }
}

/// <summary>A tool execution: what was called, with what, and what came back.</summary>
public sealed record ToolInvocation
{
    public string? Name { get; init; }

    public string? CallId { get; init; }

    public string? Description { get; init; }

    public string? Type { get; init; }

    public string? Arguments { get; init; }

    public string? Result { get; init; }
}

/// <summary>A span event (an exception, a streamed first token, a log line).</summary>
public sealed record SpanEventRecord
{
    public required string Name { get; init; }

    public long TimeUnixNano { get; init; }

    public JsonElement? Attributes { get; init; }
}

/// <summary>A link from a span to another span, possibly of another trace.</summary>
public sealed record SpanLinkRecord
{
    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    public JsonElement? Attributes { get; init; }
}

/// <summary>The prompt a generation was rendered from.</summary>
public sealed record PromptReference
{
    public string? Name { get; init; }

    public string? Version { get; init; }

    public string? Template { get; init; }

    public JsonElement? Variables { get; init; }
}

/// <summary>A field that was cut at ingestion, with its original size.</summary>
public sealed record TruncationNote(string Field, int OriginalLength);

/// <summary>The one JSON dialect used for every JSON column of the store.</summary>
public static class StoreJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,

        // Stored JSON is never written into HTML unencoded (pages encode on render), so keep non-ASCII text as
        // it is instead of inflating every accented letter to a six-byte escape.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string? Serialize<T>(T? value)
        where T : class
        => value is null ? null : JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json)
        where T : class
        => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, Options);
}
