using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Traces;

namespace LlmObserve.Bench;

/// <summary>
/// Realistic traces of a RAG support assistant: a chain root, one ~8 KB retrieval, two generations with about 1 KB
/// of prompt and completion each, a tool call and a small formatting chain. The same trace renders as OTLP protobuf
/// (what an OTel SDK sends) and as store rows (what the mapper makes of it), so every row of the bench writes the
/// same content. Texts come from a pool made once; ids are new for every trace so nothing is deduplicated.
/// </summary>
internal sealed class TraceWorkload
{
    public const int SpansPerTrace = 6;

    private const int PoolSize = 64;

    private const string ResourceAttributesJson =
        "{\"service.name\":\"support-assistant\",\"deployment.environment.name\":\"production\","
        + "\"service.version\":\"2026.12.1\"}";

    private const long Millisecond = 1_000_000;

    private static readonly string[] Vocabulary =
    [
        "order", "refund", "shipping", "invoice", "account", "password", "warranty", "delivery", "return", "policy",
        "customer", "support", "ticket", "payment", "subscription", "cancel", "upgrade", "plan", "billing", "address",
        "tracking", "package", "damaged", "replacement", "exchange", "store", "credit", "receipt", "discount", "code",
        "the", "a", "is", "to", "and", "of", "for", "with", "your", "we", "can", "will", "please", "within", "days",
    ];

    private readonly TraceTexts[] _texts;
    private readonly ConcurrentDictionary<(long Pool, int Span), string> _attributesJson = new();
    private readonly long _baseTimeUnixNano;
    private readonly bool _lateRoots;
    private long _sequence;

    /// <param name="seed">Seed of the text pool.</param>
    /// <param name="baseTimeUnixNano">Start of the first trace.</param>
    /// <param name="lateRoots">
    /// Send each trace's root one batch after its children, as an OTel SDK's batch exporter often does (the root
    /// ends last): every trace then arrives in two transactions and the second one updates its row.
    /// </param>
    public TraceWorkload(int seed, long baseTimeUnixNano, bool lateRoots = false)
    {
        var random = new Random(seed);
        _texts = [.. Enumerable.Range(0, PoolSize).Select(_ => TraceTexts.Create(random))];
        _baseTimeUnixNano = baseTimeUnixNano;
        _lateRoots = lateRoots;
    }

    /// <summary>Reserves <paramref name="count"/> new traces; each gets fresh, unique ids.</summary>
    public TraceSlice Next(int count) => new(Interlocked.Add(ref _sequence, count) - count, count);

    public IReadOnlyList<SpanEntity> ToEntities(string projectId, TraceSlice slice)
    {
        var spans = new List<SpanEntity>(slice.Count * SpansPerTrace);
        foreach (var (sequence, index, span) in SpansOf(slice))
        {
            // The raw attributes JSON depends only on the pooled texts, except the root's ids: render it once.
            var attributesJson = index == 0
                ? span.AttributesJson()
                : _attributesJson.GetOrAdd((sequence % PoolSize, index), _ => span.AttributesJson());
            spans.Add(span.ToEntity(projectId, attributesJson));
        }

        return spans;
    }

    public byte[] ToOtlpProtobuf(TraceSlice slice) => ToOtlpRequest(slice).ToByteArray();

    /// <summary>
    /// Serializes into a rented buffer: a 100+ KB request body would otherwise land on the large object heap for
    /// every request and the bench would measure its own gen-2 collections. Return it with <see cref="Return"/>.
    /// </summary>
    public (byte[] Buffer, int Length) ToPooledOtlpProtobuf(TraceSlice slice)
    {
        var request = ToOtlpRequest(slice);
        var length = request.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        request.WriteTo(buffer.AsSpan(0, length));
        return (buffer, length);
    }

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    private ExportTraceServiceRequest ToOtlpRequest(TraceSlice slice)
    {
        var scope = new ScopeSpans
        {
            Scope = new InstrumentationScope { Name = "support-assistant", Version = "1.4.0" },
        };
        foreach (var (_, _, span) in SpansOf(slice))
        {
            scope.Spans.Add(span.ToProto());
        }

        var resource = new Resource();
        resource.Attributes.Add(Attribute("service.name", "support-assistant"));
        resource.Attributes.Add(Attribute("deployment.environment.name", "production"));
        resource.Attributes.Add(Attribute("service.version", "2026.12.1"));
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);

        return request;
    }

    private static KeyValue Attribute(string key, string value)
        => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Attribute(string key, long value)
        => new() { Key = key, Value = new AnyValue { IntValue = value } };

    /// <summary>The spans a batch of <paramref name="slice"/> carries, with their trace and index in it.</summary>
    private IEnumerable<(long Sequence, int Index, SpanModel Span)> SpansOf(TraceSlice slice)
    {
        for (var sequence = slice.First; sequence < slice.First + slice.Count; sequence++)
        {
            var index = 0;
            foreach (var span in Describe(sequence))
            {
                if (!_lateRoots || index > 0)
                {
                    yield return (sequence, index, span);
                }

                index++;
            }
        }

        // Late roots: those of the slice before this one (sent by whichever sender reserved it).
        for (var sequence = Math.Max(0, slice.First - slice.Count); _lateRoots && sequence < slice.First; sequence++)
        {
            yield return (sequence, 0, Describe(sequence).First());
        }
    }

    private IEnumerable<SpanModel> Describe(long sequence)
    {
        var texts = _texts[sequence % PoolSize];
        var traceId = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(traceId, 0x4c4c4d4f62736572);
        BinaryPrimitives.WriteInt64BigEndian(traceId.AsSpan(8), sequence + 1);
        var start = _baseTimeUnixNano + (sequence * Millisecond);
        var rootId = SpanId(sequence, 1);

        SpanModel Model(int index, string name, string type, long fromMs, long toMs) => new()
        {
            TraceId = traceId,
            SpanId = SpanId(sequence, index),
            ParentSpanId = index == 1 ? null : rootId,
            Name = name,
            Type = type,
            Start = start + (fromMs * Millisecond),
            End = start + (toMs * Millisecond),
            Attributes = [],
        };

        var session = $"session-{sequence % 5000}";
        var user = $"user-{sequence % 1000}";
        yield return Model(1, "support-chat", SpanType.Chain, 0, 2400) with
        {
            Status = SpanStatus.Ok,
            InputText = texts.Question,
            OutputText = texts.Answer,
            SessionId = session,
            UserId = user,
            TagsJson = """["rag","support"]""",
            Attributes =
            [
                ("openinference.span.kind", "CHAIN"), ("input.value", texts.Question), ("output.value", texts.Answer),
                ("session.id", session), ("user.id", user),
            ],
        };

        yield return Model(2, "vector-search", SpanType.Retrieval, 5, 60) with
        {
            InputText = texts.Question,
            DocumentsJson = texts.DocumentsJson,
            Attributes =
            [
                ("openinference.span.kind", "RETRIEVER"), ("input.value", texts.Question),
                .. texts.DocumentAttributes,
            ],
        };

        var rewrite = Model(3, "chat gpt-4o-mini rewrite-query", SpanType.Generation, 70, 670);
        yield return Generation(rewrite, texts, texts.RewritePrompt, texts.RewriteCompletion);

        yield return Model(4, "lookup-order", SpanType.Tool, 700, 760) with
        {
            InputText = texts.ToolArguments,
            OutputText = texts.ToolResult,
            Attributes =
            [
                ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "lookup_order"),
                ("gen_ai.tool.call.arguments", texts.ToolArguments), ("gen_ai.tool.call.result", texts.ToolResult),
            ],
        };

        var answer = Model(5, "chat gpt-4o-mini answer", SpanType.Generation, 800, 1400);
        yield return Generation(answer, texts, texts.AnswerPrompt, texts.Answer);

        yield return Model(6, "format-answer", SpanType.Chain, 2350, 2390) with
        {
            InputText = texts.Answer,
            OutputText = texts.Answer,
            Attributes =
            [
                ("openinference.span.kind", "CHAIN"), ("input.value", texts.Answer), ("output.value", texts.Answer),
            ],
        };
    }

    private static SpanModel Generation(SpanModel span, TraceTexts texts, string prompt, string completion)
    {
        var input = JsonSerializer.Serialize(new[]
        {
            new { role = "system", content = texts.SystemPrompt },
            new { role = "user", content = prompt },
        });
        var output = JsonSerializer.Serialize(new[] { new { role = "assistant", content = completion } });
        var inputTokens = (long)(texts.SystemPrompt.Length + prompt.Length) / 4;
        var outputTokens = (long)completion.Length / 4;

        return span with
        {
            Status = SpanStatus.Ok,
            Model = "gpt-4o-mini",
            Provider = "openai",
            InputText = prompt,
            OutputText = completion,
            InputMessagesJson = input,
            OutputMessagesJson = output,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            Cost = (inputTokens * 0.15 / 1e6) + (outputTokens * 0.6 / 1e6),
            Attributes =
            [
                ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"),
                ("gen_ai.request.model", "gpt-4o-mini"), ("gen_ai.response.model", "gpt-4o-mini"),
                ("gen_ai.usage.input_tokens", inputTokens), ("gen_ai.usage.output_tokens", outputTokens),
                ("gen_ai.input.messages", input), ("gen_ai.output.messages", output),
            ],
        };
    }

    private static byte[] SpanId(long sequence, int index)
    {
        var id = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(id, (sequence << 4) | (long)index);
        return id;
    }

    private static string Words(Random random, int chars)
    {
        var text = new StringBuilder(chars + 16);
        while (text.Length < chars)
        {
            text.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(' ');
        }

        return text.ToString(0, chars);
    }

    /// <summary>A contiguous run of traces to render.</summary>
    public readonly record struct TraceSlice(long First, int Count);

    private sealed record TraceTexts(
        string Question,
        string Answer,
        string SystemPrompt,
        string RewritePrompt,
        string RewriteCompletion,
        string AnswerPrompt,
        string ToolArguments,
        string ToolResult,
        string DocumentsJson,
        (string, object)[] DocumentAttributes)
    {
        public static TraceTexts Create(Random random)
        {
            var documents = Enumerable.Range(0, 5)
                .Select(i => (Id: $"kb-{random.Next(100_000)}", Content: Words(random, 1600), Score: 0.9 - (i * 0.05)))
                .ToList();
            var documentsJson = JsonSerializer.Serialize(
                documents.Select(d => new { id = d.Id, content = d.Content, score = d.Score }));
            var documentAttributes = documents
                .SelectMany((d, i) => new (string, object)[]
                {
                    ($"retrieval.documents.{i}.document.id", d.Id),
                    ($"retrieval.documents.{i}.document.content", d.Content),
                    ($"retrieval.documents.{i}.document.score", d.Score.ToString("F2", CultureInfo.InvariantCulture)),
                })
                .ToArray();

            return new TraceTexts(
                Question: Words(random, 160),
                Answer: Words(random, 420),
                SystemPrompt: Words(random, 240),
                RewritePrompt: Words(random, 420),
                RewriteCompletion: Words(random, 120),
                AnswerPrompt: Words(random, 520),
                ToolArguments: $$"""{"order_id":"{{random.Next(1_000_000)}}"}""",
                ToolResult:
                    $$"""{"status":"shipped","carrier":"{{Words(random, 12).Trim()}}","eta":{{random.Next(1, 9)}}}""",
                DocumentsJson: documentsJson,
                DocumentAttributes: documentAttributes);
        }
    }

    private sealed record SpanModel
    {
        public required byte[] TraceId { get; init; }

        public required byte[] SpanId { get; init; }

        public required byte[]? ParentSpanId { get; init; }

        public required string Name { get; init; }

        public required string Type { get; init; }

        public required long Start { get; init; }

        public required long End { get; init; }

        public string Status { get; init; } = SpanStatus.Unset;

        public string? Model { get; init; }

        public string? Provider { get; init; }

        public string? InputText { get; init; }

        public string? OutputText { get; init; }

        public string? InputMessagesJson { get; init; }

        public string? OutputMessagesJson { get; init; }

        public string? DocumentsJson { get; init; }

        public long? InputTokens { get; init; }

        public long? OutputTokens { get; init; }

        public double? Cost { get; init; }

        public string? SessionId { get; init; }

        public string? UserId { get; init; }

        public string? TagsJson { get; init; }

        public required (string Key, object Value)[] Attributes { get; init; }

        public Span ToProto()
        {
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(TraceId),
                SpanId = ByteString.CopyFrom(SpanId),
                ParentSpanId = ParentSpanId is null ? ByteString.Empty : ByteString.CopyFrom(ParentSpanId),
                Name = Name,
                Kind = Type == SpanType.Generation ? Span.Types.SpanKind.Client : Span.Types.SpanKind.Internal,
                StartTimeUnixNano = (ulong)Start,
                EndTimeUnixNano = (ulong)End,
                Status = new Core.Ingestion.Otlp.Proto.Status
                {
                    Code = Status == SpanStatus.Ok
                        ? Core.Ingestion.Otlp.Proto.Status.Types.StatusCode.Ok
                        : Core.Ingestion.Otlp.Proto.Status.Types.StatusCode.Unset,
                },
            };
            foreach (var (key, value) in Attributes)
            {
                span.Attributes.Add(value is long number ? Attribute(key, number) : Attribute(key, (string)value));
            }

            return span;
        }

        public string AttributesJson() => JsonSerializer.Serialize(Attributes.ToDictionary(a => a.Key, a => a.Value));

        public SpanEntity ToEntity(string projectId, string attributesJson) => new()
        {
            ProjectId = projectId,
            TraceId = Convert.ToHexStringLower(TraceId),
            SpanId = Convert.ToHexStringLower(SpanId),
            ParentSpanId = ParentSpanId is null ? null : Convert.ToHexStringLower(ParentSpanId),
            Name = Name,
            Type = Type,
            Kind = Type == SpanType.Generation ? "client" : "internal",
            StartTimeUnixNano = Start,
            EndTimeUnixNano = End,
            Status = Status,
            Model = Model,
            RequestModel = Model,
            ResponseModel = Model,
            Provider = Provider,
            InputText = InputText,
            OutputText = OutputText,
            InputMessagesJson = InputMessagesJson,
            OutputMessagesJson = OutputMessagesJson,
            DocumentsJson = DocumentsJson,
            InputTokens = InputTokens,
            OutputTokens = OutputTokens,
            TotalTokens = InputTokens + OutputTokens,
            Cost = Cost,
            SessionId = SessionId,
            UserId = UserId,
            Environment = "production",
            Version = "2026.12.1",
            TagsJson = TagsJson,
            ServiceName = "support-assistant",
            ScopeName = "support-assistant",
            AttributesJson = attributesJson,
            ResourceAttributesJson = ResourceAttributesJson,
        };
    }
}
