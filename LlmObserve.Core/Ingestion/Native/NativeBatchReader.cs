using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Native;

/// <summary>The outcome of reading a native batch: what can be stored, and every item that cannot, by path.</summary>
public sealed record NativeReadResult(IngestBatch Batch, IReadOnlyList<string> TraceIds, IReadOnlyList<IngestionError> Errors);

/// <summary>The body is not a JSON object at all; nothing in it can be read.</summary>
public sealed class NativeFormatException(string message) : Exception(message);

/// <summary>
/// Reads the native JSON batch of <c>POST /api/ingest</c> (schema in README) into the one span model. Each trace
/// becomes a root span whose id is derived from the trace id, so a re-sent trace is stored once; its spans hang
/// under it. Invalid items are reported by JSON path and skipped; the rest of the batch is kept.
/// </summary>
public sealed class NativeBatchReader(IngestionOptions options, TimeProvider timeProvider)
{
    private static readonly HashSet<string> _feedbackKinds = new(StringComparer.Ordinal)
    {
        "thumbs", "rating", "comment", "retry", "rephrase", "escalate", "abandon", "copy",
    };

    private static readonly DateTimeOffset _latestTime = new(2262, 4, 11, 0, 0, 0, TimeSpan.Zero);

    public NativeReadResult Read(ReadOnlyMemory<byte> body, string projectId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new NativeFormatException(
                $"Body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new NativeFormatException("Body must be a JSON object with 'traces', 'scores' and/or 'feedback'.");
            }

            var context = new ReadContext(projectId, timeProvider.GetUtcNow(), options);
            ReadArray(root, "traces", context, ReadTrace);
            ReadArray(root, "scores", context, ReadScore);
            ReadArray(root, "feedback", context, ReadFeedback);

            if (context.Spans.Count == 0 && context.Scores.Count == 0 && context.Feedback.Count == 0
                && context.Errors.Count == 0)
            {
                context.Errors.Add(new IngestionError("$", "The batch holds no traces, scores or feedback."));
            }

            return new NativeReadResult(
                new IngestBatch(projectId, context.Spans, context.Scores, context.Feedback),
                context.TraceIds,
                context.Errors);
        }
    }

    private static void ReadArray(JsonElement root, string name, ReadContext context, Action<JsonElement, string, ReadContext> read)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            context.Errors.Add(new IngestionError($"$.{name}", "must be an array."));
            return;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"$.{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                context.Errors.Add(new IngestionError(path, "must be an object."));
                continue;
            }

            try
            {
                read(item, path, context);
            }
            catch (NativeItemException ex)
            {
                context.Errors.Add(new IngestionError(ex.Path, ex.Message));
            }
        }
    }

    private static void ReadTrace(JsonElement trace, string path, ReadContext context)
    {
        var traceId = OptionalHexId(trace, "id", 32, path) ?? NewHexId(16);
        var now = context.Now;
        var spans = new List<SpanEntity>();
        var rootSpanId = DerivedRootSpanId(traceId);

        if (trace.TryGetProperty("spans", out var spanArray) && spanArray.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var spanElement in spanArray.EnumerateArray())
            {
                var spanPath = $"{path}.spans[{index++}]";
                try
                {
                    if (spanElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new NativeItemException(spanPath, "must be an object.");
                    }

                    spans.Add(ReadSpan(spanElement, spanPath, traceId, rootSpanId, context));
                }
                catch (NativeItemException ex)
                {
                    context.Errors.Add(new IngestionError(ex.Path, ex.Message));
                }
            }
        }
        else if (trace.TryGetProperty("spans", out var notArray) && notArray.ValueKind != JsonValueKind.Null)
        {
            throw new NativeItemException($"{path}.spans", "must be an array.");
        }

        var start = OptionalTime(trace, "startTime", path)
            ?? (spans.Count > 0 ? spans.Min(s => s.StartTimeUnixNano) : UnixNanos.FromDateTimeOffset(now));
        var end = OptionalTime(trace, "endTime", path)
            ?? (spans.Count > 0 ? spans.Max(s => s.EndTimeUnixNano) : start);

        var root = NewSpan(context, traceId, rootSpanId, OptionalString(trace, "name", path) ?? "trace", SpanType.Chain);
        root.StartTimeUnixNano = start;
        root.EndTimeUnixNano = Math.Max(start, end);
        root.Status = OptionalStatus(trace, path);
        root.StatusMessage = OptionalString(trace, "statusMessage", path);
        root.SessionId = OptionalString(trace, "sessionId", path);
        root.UserId = OptionalString(trace, "userId", path);
        root.Environment = OptionalString(trace, "environment", path);
        root.Release = OptionalString(trace, "release", path);
        root.Version = OptionalString(trace, "version", path);
        root.TagsJson = OptionalTags(trace, path);
        root.MetadataJson = OptionalObjectJson(trace, "metadata", path, root, context);
        ApplyContent(root, trace, path, context);

        context.Spans.Add(root);
        context.Spans.AddRange(spans);
        context.TraceIds.Add(traceId);
    }

    private static SpanEntity ReadSpan(JsonElement element, string path, string traceId, string rootSpanId, ReadContext context)
    {
        var spanId = OptionalHexId(element, "id", 16, path) ?? NewHexId(8);
        var name = OptionalString(element, "name", path) ?? throw new NativeItemException($"{path}.name", "is required.");
        var type = OptionalString(element, "type", path)?.ToLowerInvariant() ?? SpanType.Span;
        if (!SpanType.All.Contains(type))
        {
            throw new NativeItemException($"{path}.type", $"'{type}' is not one of {string.Join(", ", SpanType.All)}.");
        }

        var span = NewSpan(context, traceId, spanId, name, type);
        span.ParentSpanId = OptionalHexId(element, "parentId", 16, path) ?? rootSpanId;
        var start = OptionalTime(element, "startTime", path) ?? UnixNanos.FromDateTimeOffset(context.Now);
        var end = OptionalTime(element, "endTime", path) ?? start;
        span.StartTimeUnixNano = start;
        span.EndTimeUnixNano = Math.Max(start, end);
        span.Status = OptionalStatus(element, path);
        span.StatusMessage = OptionalString(element, "statusMessage", path);
        span.Model = OptionalString(element, "model", path);
        span.RequestModel = span.Model;
        span.Provider = OptionalString(element, "provider", path)?.ToLowerInvariant();
        span.ParametersJson = OptionalObjectJson(element, "parameters", path, span, context);
        span.MetadataJson = OptionalObjectJson(element, "metadata", path, span, context);
        span.AttributesJson = OptionalObjectJson(element, "attributes", path, span, context);
        span.TagsJson = OptionalTags(element, path);
        ApplyContent(span, element, path, context);
        ApplyDocuments(span, element, path, context);
        ApplyTool(span, element, path, context);
        ApplyUsage(span, element, path);

        if (element.TryGetProperty("cost", out var cost) && cost.ValueKind != JsonValueKind.Null)
        {
            span.Cost = FiniteNumber(cost, $"{path}.cost", allowNegative: false);
            span.CostReported = true;
        }

        // A native client can fix its request, so implausible numbers reject the span rather than being dropped.
        if (SpanPlausibility.Apply(span) is [var problem, ..])
        {
            throw new NativeItemException(path, problem + "; send real values.");
        }

        return span;
    }

    private static void ReadScore(JsonElement element, string path, ReadContext context)
    {
        var traceId = OptionalHexId(element, "traceId", 32, path)
            ?? throw new NativeItemException($"{path}.traceId", "is required.");
        var name = OptionalString(element, "name", path) ?? throw new NativeItemException($"{path}.name", "is required.");
        double? value = element.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null
            ? FiniteNumber(v, $"{path}.value", allowNegative: true)
            : null;
        var label = OptionalString(element, "label", path);
        if (value is null && label is null)
        {
            throw new NativeItemException(path, "a score needs a 'value' or a 'label'.");
        }

        context.Scores.Add(new Score
        {
            ProjectId = context.ProjectId,
            TraceId = traceId,
            SpanId = OptionalHexId(element, "spanId", 16, path),
            Name = name,
            Value = value,
            Label = label,
            Explanation = Limit(OptionalString(element, "explanation", path), context.Options.MaxFieldChars),
            Source = ScoreSource.Api,
            CreatedAt = context.Now,
        });
    }

    private static void ReadFeedback(JsonElement element, string path, ReadContext context)
    {
        var traceId = OptionalHexId(element, "traceId", 32, path);
        var requestId = OptionalString(element, "requestId", path);
        if (traceId is null && requestId is null)
        {
            throw new NativeItemException(path, "feedback needs a 'traceId' or a 'requestId'.");
        }

        var kind = OptionalString(element, "kind", path)?.ToLowerInvariant()
            ?? throw new NativeItemException($"{path}.kind", "is required.");
        if (!_feedbackKinds.Contains(kind))
        {
            throw new NativeItemException($"{path}.kind", $"'{kind}' is not one of {string.Join(", ", _feedbackKinds)}.");
        }

        context.Feedback.Add(new FeedbackEntry
        {
            ProjectId = context.ProjectId,
            TraceId = traceId,
            RequestId = requestId,
            Kind = kind,
            Value = element.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null
                ? FiniteNumber(v, $"{path}.value", allowNegative: true)
                : null,
            Comment = Limit(OptionalString(element, "comment", path), context.Options.MaxFieldChars),
            UserId = OptionalString(element, "userId", path),
            CreatedAt = context.Now,
        });
    }

    private static SpanEntity NewSpan(ReadContext context, string traceId, string spanId, string name, string type) => new()
    {
        ProjectId = context.ProjectId,
        TraceId = traceId,
        SpanId = spanId,
        Name = name,
        Type = type,
        Status = SpanStatus.Unset,
        IngestedAtUnixNano = UnixNanos.FromDateTimeOffset(context.Now),
    };

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

    private static (string? Text, List<ChatMessage>? Messages) ReadContent(JsonElement value, string path, bool preferLastUser)
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

        return (value.GetRawText(), null);
    }

    private static ChatMessage ReadMessage(JsonElement message, string path)
    {
        var role = OptionalString(message, "role", path) ?? "user";
        string? content = null;
        if (message.TryGetProperty("content", out var c))
        {
            content = c.ValueKind switch
            {
                JsonValueKind.String => SafeString(c),
                JsonValueKind.Null => null,
                _ => c.GetRawText(),
            };
        }

        List<ToolCall>? toolCalls = null;
        if (message.TryGetProperty("toolCalls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            toolCalls = [];
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
            ToolCalls = toolCalls,
            ToolCallId = OptionalString(message, "toolCallId", path),
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
            var limited = LimitNoted(messages[i].Content, $"{field}Messages[{i}].content", context.Options.MaxFieldChars, truncations);
            if (!ReferenceEquals(limited, messages[i].Content))
            {
                messages[i] = messages[i] with { Content = limited };
            }
        }

        return messages;
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
                documents.Add(new RetrievedDocument { Content = Limit(SafeString(doc), context.Options.MaxFieldChars) });
                continue;
            }

            documents.Add(new RetrievedDocument
            {
                Id = OptionalString(doc, "id", docPath),
                Content = Limit(OptionalString(doc, "content", docPath), context.Options.MaxFieldChars),
                Score = doc.TryGetProperty("score", out var s) && s.ValueKind != JsonValueKind.Null
                    ? FiniteNumber(s, $"{docPath}.score", allowNegative: true)
                    : null,
                Metadata = doc.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m.Clone() : null,
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

    private static string OptionalStatus(JsonElement element, string path)
    {
        var status = OptionalString(element, "status", path)?.ToLowerInvariant();
        return status switch
        {
            null => SpanStatus.Unset,
            SpanStatus.Ok or SpanStatus.Error or SpanStatus.Unset => status,
            _ => throw new NativeItemException($"{path}.status", $"'{status}' is not one of ok, error, unset."),
        };
    }

    private static string? OptionalString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? SafeString(value)
            : throw new NativeItemException($"{path}.{name}", "must be a string.");
    }

    private static string? OptionalHexId(JsonElement element, string name, int length, string path)
    {
        var id = OptionalString(element, name, path);
        if (id is null)
        {
            return null;
        }

        id = id.ToLowerInvariant();
        if (id.Length != length || !id.All(char.IsAsciiHexDigit) || id.All(c => c == '0'))
        {
            throw new NativeItemException(
                $"{path}.{name}",
                $"must be {length} hexadecimal characters, not all zero (was '{Shorten(id)}').");
        }

        return id;
    }

    private static long? OptionalTime(JsonElement element, string name, string path)
    {
        var text = OptionalString(element, name, path);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new NativeItemException($"{path}.{name}", $"'{Shorten(text)}' is not an ISO-8601 time.");
        }

        // Times are stored as signed 64-bit nanoseconds since 1970, which end in April 2262.
        if (time < DateTimeOffset.UnixEpoch || time >= _latestTime)
        {
            throw new NativeItemException(
                $"{path}.{name}",
                $"'{Shorten(text)}' is outside the storable range 1970-01-01 to 2262-04-11.");
        }

        return UnixNanos.FromDateTimeOffset(time);
    }

    private static string? OptionalTags(JsonElement element, string path)
    {
        if (!element.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tags.ValueKind != JsonValueKind.Array || tags.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw new NativeItemException($"{path}.tags", "must be an array of strings.");
        }

        var list = tags.EnumerateArray().Select(SafeString).Where(t => t.Length > 0).Distinct().Order().ToList();
        return list.Count == 0 ? null : StoreJson.Serialize(list);
    }

    private static string? OptionalObjectJson(
        JsonElement element,
        string name,
        string path,
        SpanEntity span,
        ReadContext context)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new NativeItemException($"{path}.{name}", "must be a JSON object.");
        }

        var notes = StoreJson.Deserialize<List<TruncationNote>>(span.TruncationsJson) ?? [];
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = StoreJson.Options.Encoder }))
        {
            WriteLimited(writer, value, name, context.Options.MaxAttributeChars, notes);
        }

        if (notes.Count > 0)
        {
            span.TruncationsJson = StoreJson.Serialize(notes);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Copies JSON, cutting each string value longer than the attribute limit with a visible marker.</summary>
    private static void WriteLimited(
        Utf8JsonWriter writer,
        JsonElement value,
        string field,
        int maxChars,
        List<TruncationNote> notes)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteLimited(writer, property.Value, $"{field}.{property.Name}", maxChars, notes);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    WriteLimited(writer, item, $"{field}[{index++}]", maxChars, notes);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(LimitNoted(SafeString(value), field, maxChars, notes));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static double FiniteNumber(JsonElement value, string path, bool allowNegative)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new NativeItemException(path, "must be a finite number.");
        }

        return !allowNegative && number < 0 ? throw new NativeItemException(path, "must not be negative.") : number;
    }

    /// <summary>Reads a string even when it holds invalid UTF-8 or an unpaired surrogate escape (as U+FFFD).</summary>
    private static string SafeString(JsonElement value) => JsonText.GetString(value) ?? string.Empty;

    private static string? Limit(string? text, int maxChars) => LimitNoted(text, "field", maxChars, null);

    private static string? LimitNoted(string? text, string field, int maxChars, List<TruncationNote>? notes)
    {
        if (text is null || text.Length <= maxChars)
        {
            return text;
        }

        var cut = maxChars;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        notes?.Add(new TruncationNote(field, text.Length));
        return string.Concat(text.AsSpan(0, cut), $"…[truncated, {text.Length} chars]");
    }

    private static string DerivedRootSpanId(string traceId)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(traceId + ":root")).AsSpan(0, 8));

    private static string NewHexId(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..(dot + 1)];
    }

    private sealed class ReadContext(string projectId, DateTimeOffset now, IngestionOptions options)
    {
        public string ProjectId { get; } = projectId;

        public DateTimeOffset Now { get; } = now;

        public IngestionOptions Options { get; } = options;

        public List<SpanEntity> Spans { get; } = [];

        public List<Score> Scores { get; } = [];

        public List<FeedbackEntry> Feedback { get; } = [];

        public List<string> TraceIds { get; } = [];

        public List<IngestionError> Errors { get; } = [];
    }

    private sealed class NativeItemException(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }
}
