using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Ingestion.Otlp.Conventions;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Turns a decoded OTLP trace export into store spans. The LLM conventions in use (OTel GenAI, OpenInference,
/// Langfuse, Traceloop) are mapped into the one internal model; the raw attributes, events and links are kept too.
/// </summary>
/// <remarks>
/// Only a span whose ids are unusable is rejected (trace id not 16 bytes or all zero, span id not 8 bytes or all
/// zero, parent id neither empty nor 8 bytes). Everything else is repaired: times are clamped, oversized text is
/// cut with a visible marker and noted, and a span whose conventions cannot be read is kept with its raw data.
/// </remarks>
public sealed class OtlpSpanMapper
{
    private const int MaxErrorMessages = 20;

    private const string UnnamedSpan = "(unnamed)";

    private readonly IngestionOptions _options;
    private readonly TimeProvider _timeProvider;

    public OtlpSpanMapper(IngestionOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Maps every span of the request for the given project.</summary>
    public OtlpMapResult Map(ExportTraceServiceRequest request, string projectId)
    {
        var ingestedAt = UnixNanos.FromDateTimeOffset(_timeProvider.GetUtcNow());
        var spans = new List<SpanEntity>();
        var errors = new ErrorList();
        var rejected = 0;
        for (var r = 0; r < request.ResourceSpans.Count; r++)
        {
            var resourceSpans = request.ResourceSpans[r];
            var resource = new ResourceInfo(resourceSpans.Resource, _options);
            for (var s = 0; s < resourceSpans.ScopeSpans.Count; s++)
            {
                var scopeSpans = resourceSpans.ScopeSpans[s];
                var scopeName = string.IsNullOrEmpty(scopeSpans.Scope?.Name) ? null : scopeSpans.Scope.Name;
                for (var i = 0; i < scopeSpans.Spans.Count; i++)
                {
                    var span = scopeSpans.Spans[i];
                    var location = (r, s, i);
                    if (IdProblem(span) is { } problem)
                    {
                        rejected++;
                        errors.Add(() => $"{Describe(location, span)}: {problem}");
                        continue;
                    }

                    spans.Add(MapSpan(span, resource, scopeName, projectId, ingestedAt, location, errors));
                }
            }
        }

        return new OtlpMapResult(spans, rejected, errors.ToList());
    }

    private SpanEntity MapSpan(
        Span span,
        ResourceInfo resource,
        string? scopeName,
        string projectId,
        long ingestedAt,
        (int, int, int) location,
        ErrorList errors)
    {
        var limiter = new TextLimiter(_options);
        foreach (var note in resource.Notes)
        {
            limiter.Add(note);
        }

        var (start, end) = Times(span, ingestedAt);
        var entity = new SpanEntity
        {
            ProjectId = projectId,
            TraceId = OtlpIds.ToHex(span.TraceId),
            SpanId = OtlpIds.ToHex(span.SpanId),
            ParentSpanId = IsRoot(span) ? null : OtlpIds.ToHex(span.ParentSpanId),
            Name = string.IsNullOrEmpty(span.Name) ? UnnamedSpan : span.Name,
            Type = SpanType.Span,
            Kind = Kind(span.Kind),
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            Status = SpanStatus.Unset,
            ServiceName = resource.ServiceName,
            ScopeName = scopeName,
            IngestedAtUnixNano = ingestedAt,
        };

        try
        {
            var bag = new AttributeBag(span.Attributes);
            entity.Type = SpanTypeDetector.Detect(bag, span.Events);
            foreach (var problem in ConventionMapper.Apply(entity, span, bag, resource.Attributes))
            {
                errors.Add(() => $"{Describe(location, span)}: {problem}");
            }
        }
        catch (Exception ex)
        {
            // Losing the span to a shape we did not foresee would be worse than keeping it with raw data only.
            errors.Add(() => $"{Describe(location, span)}: kept without convention mapping ({ex.Message})");
        }

        foreach (var problem in SpanPlausibility.Apply(entity))
        {
            errors.Add(() => $"{Describe(location, span)}: {problem}");
        }

        entity.AttributesJson = AnyValueJson.ObjectText(span.Attributes, limiter, "AttributesJson");
        entity.ResourceAttributesJson = resource.AttributesJson;
        entity.EventsJson = EventsJson(span, limiter);
        entity.LinksJson = LinksJson(span, limiter);
        LimitFields(entity, limiter);
        entity.TruncationsJson = limiter.Notes.Count == 0
            ? null
            : JsonSerializer.Serialize(limiter.Notes, StoreJson.Options);
        return entity;
    }

    private static string? IdProblem(Span span)
    {
        if (OtlpIds.Problem(span.TraceId, OtlpIds.TraceIdBytes, optional: false) is { } trace)
        {
            return $"traceId {trace}";
        }

        if (OtlpIds.Problem(span.SpanId, OtlpIds.SpanIdBytes, optional: false) is { } spanId)
        {
            return $"spanId {spanId}";
        }

        return OtlpIds.Problem(span.ParentSpanId, OtlpIds.SpanIdBytes, optional: true) is { } parent
            ? $"parentSpanId {parent}"
            : null;
    }

    private static bool IsRoot(Span span)
        => span.ParentSpanId.IsEmpty || span.ParentSpanId.Span.IndexOfAnyExcept((byte)0) < 0;

    private static string Describe((int Resource, int Scope, int Span) location, Span span)
    {
        var name = span.Name.Length > 80 ? span.Name[..80] + "…" : span.Name;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"resourceSpans[{location.Resource}].scopeSpans[{location.Scope}].spans[{location.Span}] ('{name}')");
    }

    /// <summary>Start and end, never a negative duration; a missing start takes the end or the ingest time.</summary>
    private static (long Start, long End) Times(Span span, long ingestedAt)
    {
        var start = ToSigned(span.StartTimeUnixNano);
        var end = ToSigned(span.EndTimeUnixNano);
        if (start == 0)
        {
            start = end != 0 ? end : ingestedAt;
        }

        if (end < start)
        {
            end = start;
        }

        return (start, end);
    }

    // Times past the year 2262 do not fit a signed 64-bit nanosecond count; they are treated as missing.
    private static long ToSigned(ulong nanos) => nanos > long.MaxValue ? 0 : (long)nanos;


    private static string? Kind(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Internal => "internal",
        Span.Types.SpanKind.Server => "server",
        Span.Types.SpanKind.Client => "client",
        Span.Types.SpanKind.Producer => "producer",
        Span.Types.SpanKind.Consumer => "consumer",
        _ => null,
    };

    /// <summary>Events in the shape of <see cref="SpanEventRecord"/>, attribute strings capped.</summary>
    private static string? EventsJson(Span span, TextLimiter limiter)
    {
        if (span.Events.Count == 0)
        {
            return null;
        }

        return WriteJson(writer =>
        {
            writer.WriteStartArray();
            for (var i = 0; i < span.Events.Count; i++)
            {
                var e = span.Events[i];
                writer.WriteStartObject();
                writer.WriteString("name", e.Name);
                writer.WriteNumber("timeUnixNano", ToSigned(e.TimeUnixNano));
                if (e.Attributes.Count > 0)
                {
                    writer.WritePropertyName("attributes");
                    var path = string.Create(CultureInfo.InvariantCulture, $"EventsJson[{i}].attributes");
                    AnyValueJson.WriteObject(writer, e.Attributes, limiter, path);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>Links in the shape of <see cref="SpanLinkRecord"/>, attribute strings capped.</summary>
    private static string? LinksJson(Span span, TextLimiter limiter)
    {
        if (span.Links.Count == 0)
        {
            return null;
        }

        return WriteJson(writer =>
        {
            writer.WriteStartArray();
            for (var i = 0; i < span.Links.Count; i++)
            {
                var link = span.Links[i];
                writer.WriteStartObject();
                writer.WriteString("traceId", OtlpIds.ToHex(link.TraceId));
                writer.WriteString("spanId", OtlpIds.ToHex(link.SpanId));
                if (link.Attributes.Count > 0)
                {
                    writer.WritePropertyName("attributes");
                    var path = string.Create(CultureInfo.InvariantCulture, $"LinksJson[{i}].attributes");
                    AnyValueJson.WriteObject(writer, link.Attributes, limiter, path);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = StoreJson.Options.Encoder }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Caps every text field and every string inside the JSON columns at the field limit.</summary>
    private static void LimitFields(SpanEntity entity, TextLimiter limiter)
    {
        entity.Name = limiter.Field(entity.Name, nameof(SpanEntity.Name))!;
        entity.StatusMessage = limiter.Field(entity.StatusMessage, nameof(SpanEntity.StatusMessage));
        entity.ErrorType = limiter.Field(entity.ErrorType, nameof(SpanEntity.ErrorType));
        entity.Model = limiter.Field(entity.Model, nameof(SpanEntity.Model));
        entity.RequestModel = limiter.Field(entity.RequestModel, nameof(SpanEntity.RequestModel));
        entity.ResponseModel = limiter.Field(entity.ResponseModel, nameof(SpanEntity.ResponseModel));
        entity.Provider = limiter.Field(entity.Provider, nameof(SpanEntity.Provider));
        entity.InputText = limiter.Field(entity.InputText, nameof(SpanEntity.InputText));
        entity.OutputText = limiter.Field(entity.OutputText, nameof(SpanEntity.OutputText));
        entity.SessionId = limiter.Field(entity.SessionId, nameof(SpanEntity.SessionId));
        entity.UserId = limiter.Field(entity.UserId, nameof(SpanEntity.UserId));
        entity.Environment = limiter.Field(entity.Environment, nameof(SpanEntity.Environment));
        entity.Release = limiter.Field(entity.Release, nameof(SpanEntity.Release));
        entity.Version = limiter.Field(entity.Version, nameof(SpanEntity.Version));
        entity.TraceName = limiter.Field(entity.TraceName, nameof(SpanEntity.TraceName));
        entity.TraceInputText = limiter.Field(entity.TraceInputText, nameof(SpanEntity.TraceInputText));
        entity.TraceOutputText = limiter.Field(entity.TraceOutputText, nameof(SpanEntity.TraceOutputText));
        entity.ResponseId = limiter.Field(entity.ResponseId, nameof(SpanEntity.ResponseId));
        entity.ServiceName = limiter.Field(entity.ServiceName, nameof(SpanEntity.ServiceName));
        entity.ScopeName = limiter.Field(entity.ScopeName, nameof(SpanEntity.ScopeName));

        entity.ParametersJson = limiter.JsonColumn(entity.ParametersJson, nameof(SpanEntity.ParametersJson));
        entity.InputMessagesJson = limiter.JsonColumn(entity.InputMessagesJson, nameof(SpanEntity.InputMessagesJson));
        entity.OutputMessagesJson = limiter.JsonColumn(
            entity.OutputMessagesJson, nameof(SpanEntity.OutputMessagesJson));
        entity.ToolDefinitionsJson = limiter.JsonColumn(
            entity.ToolDefinitionsJson, nameof(SpanEntity.ToolDefinitionsJson));
        entity.DocumentsJson = limiter.JsonColumn(entity.DocumentsJson, nameof(SpanEntity.DocumentsJson));
        entity.ToolJson = limiter.JsonColumn(entity.ToolJson, nameof(SpanEntity.ToolJson));
        entity.CostDetailsJson = limiter.JsonColumn(entity.CostDetailsJson, nameof(SpanEntity.CostDetailsJson));
        entity.TagsJson = limiter.JsonColumn(entity.TagsJson, nameof(SpanEntity.TagsJson));
        entity.MetadataJson = limiter.JsonColumn(entity.MetadataJson, nameof(SpanEntity.MetadataJson));
        entity.FinishReasonsJson = limiter.JsonColumn(entity.FinishReasonsJson, nameof(SpanEntity.FinishReasonsJson));
        entity.PromptJson = limiter.JsonColumn(entity.PromptJson, nameof(SpanEntity.PromptJson));
    }

    /// <summary>What every span of one resource shares, computed once.</summary>
    private sealed class ResourceInfo
    {
        public ResourceInfo(Resource? resource, IngestionOptions options)
        {
            var attributes = resource?.Attributes ?? [];
            Attributes = new AttributeBag(attributes);
            ServiceName = Attributes.String("service.name");
            if (attributes.Count > 0)
            {
                var limiter = new TextLimiter(options);
                AttributesJson = AnyValueJson.ObjectText(attributes, limiter, "ResourceAttributesJson");
                Notes = limiter.Notes;
            }
        }

        public AttributeBag Attributes { get; }

        public string? ServiceName { get; }

        public string? AttributesJson { get; }

        public IReadOnlyList<TruncationNote> Notes { get; } = [];
    }

    /// <summary>Error messages up to a cap; past it only a count, so a bad batch cannot flood the response.</summary>
    private sealed class ErrorList
    {
        private readonly List<string> _messages = [];
        private int _suppressed;

        public void Add(Func<string> message)
        {
            if (_messages.Count < MaxErrorMessages)
            {
                _messages.Add(message());
            }
            else
            {
                _suppressed++;
            }
        }

        public List<string> ToList()
        {
            var list = new List<string>(_messages);
            if (_suppressed > 0)
            {
                list.Add(string.Create(CultureInfo.InvariantCulture, $"… and {_suppressed} more"));
            }

            return list;
        }
    }
}
