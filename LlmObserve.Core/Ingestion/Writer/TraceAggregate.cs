using System.Text;
using System.Text.Json;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// One span of a trace as its aggregate needs it: the narrow columns, and whether it has each large text. A span
/// stored by an earlier transaction is read from the store (its large texts are fetched afterwards, only from the
/// span that wins); a span written by the running one is taken from memory, texts included.
/// </summary>
internal sealed class SpanFacts
{
    /// <summary>
    /// The span's row id, or for a span in memory one above every stored id, in write order: ties between spans go to
    /// the one stored first.
    /// </summary>
    public long RowId { get; init; }

    /// <summary>The span as written by the running transaction; null when it was read from the store.</summary>
    public SpanEntity? Written { get; init; }

    public required string SpanId { get; init; }

    public string? ParentSpanId { get; init; }

    public bool IsParentless => ParentSpanId is null;

    public required string Name { get; init; }

    /// <summary>A generation or an embedding: the spans whose usage counts when any of them reports some.</summary>
    public bool IsModelCall { get; init; }

    public long Start { get; init; }

    public long End { get; init; }

    public required string Status { get; init; }

    public string? Model { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    public long? CachedTokens { get; init; }

    public long? ReasoningTokens { get; init; }

    public long? TotalTokens { get; init; }

    public double? Cost { get; init; }

    /// <summary>The span's tokens were estimated from its text, not reported.</summary>
    public bool UsageEstimated { get; init; }

    public string? SessionId { get; init; }

    public string? UserId { get; init; }

    public string? Environment { get; init; }

    public string? Release { get; init; }

    public string? Version { get; init; }

    public string? TagsJson { get; init; }

    public string? TraceName { get; init; }

    public bool HasMetadata { get; init; }

    public bool HasTraceInput { get; init; }

    public bool HasTraceOutput { get; init; }

    public bool HasInput { get; init; }

    public bool HasOutput { get; init; }

    public bool HasUsage => InputTokens is not null || OutputTokens is not null || TotalTokens is not null;

    /// <summary>
    /// Set by <see cref="TraceAggregate.Compute"/>: the span's usage and cost repeat what spans below it report (an
    /// agent or an outer generateText summing its model calls), so they are left out of every total.
    /// </summary>
    public bool Superseded { get; set; }

    /// <summary>The facts of a span the running transaction wrote, as the store now holds them.</summary>
    public static SpanFacts Of(SpanEntity span, long rowId) => new()
    {
        RowId = rowId,
        Written = span,
        SpanId = span.SpanId,
        ParentSpanId = span.ParentSpanId,
        Name = span.Name,
        IsModelCall = span.Type is SpanType.Generation or SpanType.Embedding,
        Start = span.StartTimeUnixNano,
        End = span.EndTimeUnixNano,
        Status = span.Status,
        Model = span.Model,
        InputTokens = span.InputTokens,
        OutputTokens = span.OutputTokens,
        CachedTokens = span.CacheReadTokens,
        ReasoningTokens = span.ReasoningTokens,
        TotalTokens = span.TotalTokens,

        // SQLite stores a NaN as NULL.
        Cost = span.Cost is { } cost && !double.IsNaN(cost) ? cost : null,
        UsageEstimated = span.UsageEstimated,
        SessionId = span.SessionId,
        UserId = span.UserId,
        Environment = span.Environment,
        Release = span.Release,
        Version = span.Version,
        TagsJson = span.TagsJson,
        TraceName = span.TraceName,
        HasMetadata = span.MetadataJson is not null,
        HasTraceInput = span.TraceInputText is not null,
        HasTraceOutput = span.TraceOutputText is not null,
        HasInput = span.InputText is not null,
        HasOutput = span.OutputText is not null,
    };
}

/// <summary>Which span a large trace text is copied from, and from which of its columns.</summary>
/// <param name="Span">The span that won.</param>
/// <param name="FromTraceColumn">The span's explicit trace-level text (TraceInputText...) rather than its own.</param>
internal readonly record struct TextSource(SpanFacts Span, bool FromTraceColumn)
{
    /// <summary>The text when the span is in memory; else it is fetched from the store by row id.</summary>
    public string? WrittenText(bool input) => (input, FromTraceColumn) switch
    {
        (true, true) => Span.Written?.TraceInputText,
        (true, false) => Span.Written?.InputText,
        (false, true) => Span.Written?.TraceOutputText,
        (false, false) => Span.Written?.OutputText,
    };
}

/// <summary>
/// The trace row derived from all stored spans of a trace, whatever order and batches they came in. The rules:
/// <list type="bullet">
/// <item>
/// The root is the earliest span without a parent (ties: the first stored); none means the root is missing.
/// </item>
/// <item>
/// "The root's value, else the earliest span that has one": name (an explicit trace name first), session, user,
/// environment, release, version, metadata, and the input (an explicit trace input first). The output takes the
/// root's, else the one of the span that ended last (an explicit trace output first).
/// </item>
/// <item>Start is the earliest span start, end the latest end; the status is error when any span failed, else ok
/// when any succeeded, else unset.</item>
/// <item>Usage and cost are summed over generations and embeddings when any of them reports usage, else over every
/// span, so that a framework span repeating its children's usage is not counted twice. Of those, a span whose
/// descendants (at any depth) report usage or cost too is left out (CONVENTIONS.md P12): a generation wrapping
/// generations, as the Vercel AI SDK's outer generateText does, sums what its children report.</item>
/// <item>Tags are the sorted union of the strings in the spans' tag arrays (a value that is not JSON is ignored);
/// models are the distinct models in the order of their first use.</item>
/// </list>
/// Sums are exact in 64 bits (an overflow throws, failing only the batch that caused it) and costs are added the way
/// SQLite's sum() adds reals, so the figures do not depend on where they were computed.
/// </summary>
internal sealed class TraceAggregate
{
    private TraceAggregate()
    {
    }

    public string? Name { get; private init; }

    public string? SessionId { get; private init; }

    public string? UserId { get; private init; }

    public string? Environment { get; private init; }

    public string? Release { get; private init; }

    public string? Version { get; private init; }

    public string? TagsJson { get; private init; }

    public long StartTimeUnixNano { get; private init; }

    public long EndTimeUnixNano { get; private init; }

    public double LatencyMs { get; private init; }

    public string Status { get; private init; } = SpanStatus.Unset;

    public string? Models { get; private init; }

    public long InputTokens { get; private init; }

    public long OutputTokens { get; private init; }

    public long CachedTokens { get; private init; }

    public long ReasoningTokens { get; private init; }

    public long TotalTokens { get; private init; }

    public double? Cost { get; private init; }

    public int SpanCount { get; private init; }

    public int ErrorCount { get; private init; }

    public bool RootMissing { get; private init; }

    /// <summary>The span whose metadata the trace shows, if any has some.</summary>
    public SpanFacts? Metadata { get; private init; }

    public TextSource? Input { get; private init; }

    public TextSource? Output { get; private init; }

    /// <exception cref="OverflowException">A token sum does not fit in 64 bits.</exception>
    public static TraceAggregate Compute(IReadOnlyList<SpanFacts> spans)
    {
        if (spans.Count == 0)
        {
            throw new ArgumentException("A trace aggregate needs at least one span.", nameof(spans));
        }

        SpanFacts? root = null;
        foreach (var span in spans)
        {
            if (span.IsParentless && (root is null || (span.Start, span.RowId).CompareTo((root.Start, root.RowId)) < 0))
            {
                root = span;
            }
        }

        var first = new Picker(root, late: false);
        var last = new Picker(root, late: true);
        SpanFacts? traceName = null, name = null, session = null, user = null, environment = null, release = null;
        SpanFacts? version = null, metadata = null, traceInput = null, input = null, traceOutput = null, output = null;
        var start = long.MaxValue;
        var end = long.MinValue;
        int errors = 0, oks = 0;
        var modelUsage = false;
        foreach (var span in spans)
        {
            start = Math.Min(start, span.Start);
            end = Math.Max(end, span.End);
            errors += span.Status == SpanStatus.Error ? 1 : 0;
            oks += span.Status == SpanStatus.Ok ? 1 : 0;
            modelUsage |= span.IsModelCall && span.HasUsage;

            name = first.Better(name, span);
            traceName = span.TraceName is null ? traceName : first.Better(traceName, span);
            session = span.SessionId is null ? session : first.Better(session, span);
            user = span.UserId is null ? user : first.Better(user, span);
            environment = span.Environment is null ? environment : first.Better(environment, span);
            release = span.Release is null ? release : first.Better(release, span);
            version = span.Version is null ? version : first.Better(version, span);
            metadata = span.HasMetadata ? first.Better(metadata, span) : metadata;
            traceInput = span.HasTraceInput ? first.Better(traceInput, span) : traceInput;
            input = span.HasInput ? first.Better(input, span) : input;
            traceOutput = span.HasTraceOutput ? last.Better(traceOutput, span) : traceOutput;
            output = span.HasOutput ? last.Better(output, span) : output;
        }

        MarkSuperseded(spans, modelCallsOnly: modelUsage);
        var usage = Usage.Sum(spans, modelCallsOnly: modelUsage);
        return new TraceAggregate
        {
            Name = traceName?.TraceName ?? name!.Name,
            SessionId = session?.SessionId,
            UserId = user?.UserId,
            Environment = environment?.Environment,
            Release = release?.Release,
            Version = version?.Version,
            TagsJson = TagUnion(spans),
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            LatencyMs = (end - start) / 1e6,
            Status = errors > 0 ? SpanStatus.Error : oks > 0 ? SpanStatus.Ok : SpanStatus.Unset,
            Models = ModelsInOrder(spans),
            InputTokens = usage.Input,
            OutputTokens = usage.Output,
            CachedTokens = usage.Cached,
            ReasoningTokens = usage.Reasoning,
            TotalTokens = usage.Total,
            Cost = usage.Cost,
            SpanCount = spans.Count,
            ErrorCount = errors,
            RootMissing = root is null,
            Metadata = metadata,
            Input = traceInput is not null ? new TextSource(traceInput, true)
                : input is not null ? new TextSource(input, false) : null,
            Output = traceOutput is not null ? new TextSource(traceOutput, true)
                : output is not null ? new TextSource(output, false) : null,
        };
    }

    /// <summary>
    /// Sets <see cref="SpanFacts.Superseded"/> on every span that counts (a model call, or any span when
    /// <paramref name="modelCallsOnly"/> is false) and reports usage or cost while a descendant that counts does too.
    /// The walk up from each such span ends at a span already marked, a parent that has not arrived, or after as
    /// many steps as there are spans (ids that form a cycle).
    /// </summary>
    internal static void MarkSuperseded(IReadOnlyList<SpanFacts> spans, bool modelCallsOnly)
    {
        var reporting = 0;
        foreach (var span in spans)
        {
            span.Superseded = false;
            reporting += Reports(span, modelCallsOnly) ? 1 : 0;
        }

        // Even one reporting span needs the walk: on a cycle of parent ids it is its own descendant and is left out,
        // as the SQL rule (a recursive union of ancestors) leaves it out. Such ids are invalid; the rule only has to
        // be one rule.
        if (reporting == 0)
        {
            return;
        }

        var byId = new Dictionary<string, SpanFacts>(spans.Count, StringComparer.Ordinal);
        foreach (var span in spans)
        {
            byId.TryAdd(span.SpanId, span);
        }

        var hasReportingBelow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            if (!Reports(span, modelCallsOnly))
            {
                continue;
            }

            var parentId = span.ParentSpanId;
            for (var steps = 0; parentId is not null && steps < byId.Count; steps++)
            {
                if (!byId.TryGetValue(parentId, out var parent) || !hasReportingBelow.Add(parentId))
                {
                    break;
                }

                parentId = parent.ParentSpanId;
            }
        }

        foreach (var span in spans)
        {
            span.Superseded = Reports(span, modelCallsOnly) && hasReportingBelow.Contains(span.SpanId);
        }
    }

    private static bool Reports(SpanFacts span, bool modelCallsOnly)
        => (span.IsModelCall || !modelCallsOnly) && (span.HasUsage || span.Cost is not null);

    /// <summary>
    /// A JSON array, sorted and without duplicates, of the strings in the spans' tag arrays; null when there are none.
    /// Sorted by code point (as SQLite's BINARY collation orders UTF-8) and written as SQLite writes JSON strings. As
    /// when SQLite's json_each made the union, a tag value that is an object contributes its members' strings and a
    /// single string counts as one tag; numbers and booleans, which no ingestion path produces, are left out.
    /// </summary>
    internal static string? TagUnion(IReadOnlyList<SpanFacts> spans)
    {
        SortedSet<string>? tags = null;
        foreach (var span in spans)
        {
            if (span.TagsJson is not { Length: > 0 } json)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                var elements = root.ValueKind switch
                {
                    JsonValueKind.Array => root.EnumerateArray().ToList(),
                    JsonValueKind.Object => [.. root.EnumerateObject().Select(p => p.Value)],
                    _ => [root],
                };
                foreach (var element in elements.Where(e => e.ValueKind == JsonValueKind.String))
                {
                    tags ??= new SortedSet<string>(CodePointComparer.Instance);
                    tags.Add(element.GetString()!);
                }
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                // Not JSON (or cut short by a limit): this span adds no tags, as before.
            }
        }

        if (tags is null)
        {
            return null;
        }

        var array = new StringBuilder("[");
        foreach (var tag in tags)
        {
            if (array.Length > 1)
            {
                array.Append(',');
            }

            AppendJsonString(array, tag);
        }

        return array.Append(']').ToString();
    }

    /// <summary>Writes a JSON string literal escaping only what JSON requires, as SQLite's JSON functions do.</summary>
    internal static void AppendJsonString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case < ' ':
                    builder.Append("\\u00").Append(((int)c).ToString("x2", null));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }

    private static string? ModelsInOrder(IReadOnlyList<SpanFacts> spans)
    {
        Dictionary<string, long>? firstUse = null;
        foreach (var span in spans)
        {
            if (span.Model is { } model)
            {
                firstUse ??= new Dictionary<string, long>(StringComparer.Ordinal);
                firstUse[model] = firstUse.TryGetValue(model, out var seen) ? Math.Min(seen, span.Start) : span.Start;
            }
        }

        if (firstUse is null)
        {
            return null;
        }

        var models = firstUse.ToList();
        models.Sort((a, b) => a.Value != b.Value
            ? a.Value.CompareTo(b.Value)
            : CodePointComparer.Instance.Compare(a.Key, b.Key));
        return string.Join(',', models.Select(m => m.Key));
    }

    /// <summary>
    /// Orders spans for "the root's value, else the earliest (or latest ending) span that has one": the root first,
    /// then by start (or by end, latest first), then the first stored.
    /// </summary>
    private readonly struct Picker(SpanFacts? root, bool late)
    {
        public SpanFacts Better(SpanFacts? current, SpanFacts candidate)
            => current is null || Key(candidate).CompareTo(Key(current)) < 0 ? candidate : current;

        // ~end orders ends latest first without the overflow a negation could hit.
        private (bool NotRoot, long Time, long RowId) Key(SpanFacts span)
            => (!ReferenceEquals(span, root), late ? ~span.End : span.Start, span.RowId);
    }

    private readonly record struct Usage(long Input, long Output, long Cached, long Reasoning, long Total, double? Cost)
    {
        public static Usage Sum(IReadOnlyList<SpanFacts> spans, bool modelCallsOnly)
        {
            long input = 0, output = 0, cached = 0, reasoning = 0, total = 0;
            var cost = new RealSum();
            foreach (var span in spans)
            {
                if ((modelCallsOnly && !span.IsModelCall) || span.Superseded)
                {
                    continue;
                }

                checked
                {
                    input += span.InputTokens ?? 0;
                    output += span.OutputTokens ?? 0;
                    cached += span.CachedTokens ?? 0;
                    reasoning += span.ReasoningTokens ?? 0;
                    total += span.TotalTokens ?? ((span.InputTokens ?? 0) + (span.OutputTokens ?? 0));
                }

                if (span.Cost is { } value)
                {
                    cost.Add(value);
                }
            }

            return new Usage(input, output, cached, reasoning, total, cost.Result);
        }
    }

    /// <summary>
    /// SQLite's sum() of reals: Kahan-Babuska-Neumaier compensated, so a trace's cost is the same number it was when
    /// the store summed it.
    /// </summary>
    private struct RealSum
    {
        private double _sum;
        private double _error;
        private bool _any;

        public readonly double? Result => !_any ? null : double.IsFinite(_error) ? _sum + _error : _sum;

        public void Add(double value)
        {
            _any = true;
            var sum = _sum + value;
            _error += Math.Abs(_sum) > Math.Abs(value) ? _sum - sum + value : value - sum + _sum;
            _sum = sum;
        }
    }
}

/// <summary>Orders strings by Unicode code point, as SQLite's BINARY collation orders their UTF-8 bytes.</summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Weight(x[i]).CompareTo(Weight(y[i]));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    // UTF-16 puts surrogates (U+10000 and up) below U+E000..U+FFFF; code point order puts them above.
    private static int Weight(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
}
