using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Native;

/// <summary>The outcome of reading a native batch: what can be stored, and every item that cannot, by path.</summary>
public sealed record NativeReadResult(
    IngestBatch Batch,
    IReadOnlyList<string> TraceIds,
    IReadOnlyList<IngestionError> Errors);

/// <summary>The body is not a JSON object at all; nothing in it can be read.</summary>
public sealed class NativeFormatException(string message) : Exception(message);

/// <summary>
/// Reads the native JSON batch of <c>POST /api/ingest</c> (schema in README) into the one span model. Each trace
/// becomes a root span whose id is derived from the trace id, so a re-sent trace is stored once; its spans hang
/// under it. Invalid items are reported by JSON path and skipped; the rest of the batch is kept.
/// </summary>
public sealed partial class NativeBatchReader(IngestionOptions options, TimeProvider timeProvider)
{
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
                $"Body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): "
                + FirstSentence(ex.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new NativeFormatException(
                    "Body must be a JSON object with 'traces', 'scores' and/or 'feedback'.");
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

    private static void ReadArray(
        JsonElement root,
        string name,
        ReadContext context,
        Action<JsonElement, string, ReadContext> read)
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

        var name = OptionalString(trace, "name", path) ?? "trace";
        var root = NewSpan(context, traceId, rootSpanId, name, SpanType.Chain);
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

    private static SpanEntity ReadSpan(
        JsonElement element,
        string path,
        string traceId,
        string rootSpanId,
        ReadContext context)
    {
        var spanId = OptionalHexId(element, "id", 16, path) ?? NewHexId(8);
        var name = OptionalString(element, "name", path)
            ?? throw new NativeItemException($"{path}.name", "is required.");
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
        var name = OptionalString(element, "name", path)
            ?? throw new NativeItemException($"{path}.name", "is required.");
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
            ClientId = OptionalClientId(element, path),
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
        if (!FeedbackKinds.IsKnown(kind))
        {
            throw new NativeItemException(
                $"{path}.kind",
                $"'{kind}' is not one of {string.Join(", ", FeedbackKinds.All)}.");
        }

        var value = element.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null
            ? FiniteNumber(v, $"{path}.value", allowNegative: true)
            : (double?)null;
        var comment = OptionalString(element, "comment", path);
        if (FeedbackKinds.Check(kind, value, comment) is { } fault)
        {
            throw new NativeItemException($"{path}.{fault.Field}", fault.Reason);
        }

        context.Feedback.Add(new FeedbackEntry
        {
            ProjectId = context.ProjectId,
            TraceId = traceId,
            RequestId = requestId,
            Kind = kind,
            Value = value,
            Comment = Limit(comment, context.Options.MaxFieldChars),
            UserId = OptionalString(element, "userId", path),
            CreatedAt = context.Now,
            ClientId = OptionalClientId(element, path),
        });
    }

    private static SpanEntity NewSpan(
        ReadContext context,
        string traceId,
        string spanId,
        string name,
        string type) => new()
    {
        ProjectId = context.ProjectId,
        TraceId = traceId,
        SpanId = spanId,
        Name = name,
        Type = type,
        Status = SpanStatus.Unset,
        IngestedAtUnixNano = UnixNanos.FromDateTimeOffset(context.Now),
    };

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
