using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// Langfuse's own attributes (CONVENTIONS.md §3a). They are set explicitly by the user through the Langfuse SDKs,
/// so where they are present they win over every other convention (§7).
/// </summary>
internal static partial class LangfuseConvention
{
    private const string ObservationMetadata = "langfuse.observation.metadata";

    private const string TraceMetadata = "langfuse.trace.metadata";

    /// <summary>The native observation type mapped to a span type, or null.</summary>
    public static string? Type(AttributeBag bag)
    {
        var type = bag.String("langfuse.observation.type")?.Trim().ToLowerInvariant();

        // Python SDK ≤ 3.3.0 marked generations as "span" while setting generation attributes (LF-MAP P0).
        if (type == "span"
            && (bag.Has("langfuse.observation.model.name") || bag.Has("langfuse.observation.usage_details")
                || bag.Has("langfuse.observation.cost_details")
                || bag.Has("langfuse.observation.completion_start_time")))
        {
            return SpanType.Generation;
        }

        return type switch
        {
            "retriever" => SpanType.Retrieval,
            null => null,
            _ when SpanType.All.Contains(type) => type,
            _ => null,
        };
    }

    public static string? Input(AttributeBag bag) => Unquote(bag.String("langfuse.observation.input"));

    public static string? Output(AttributeBag bag) => Unquote(bag.String("langfuse.observation.output"));

    public static JsonElement? InputJson(AttributeBag bag) => bag.Json("langfuse.observation.input");

    public static JsonElement? OutputJson(AttributeBag bag) => bag.Json("langfuse.observation.output");

    public static string? Model(AttributeBag bag) => bag.String("langfuse.observation.model.name");

    public static void AddParameters(AttributeBag bag, Dictionary<string, JsonElement> target)
        => OpenInferenceConvention.MergeObject(bag.Json("langfuse.observation.model.parameters"), target);

    public static TokenUsage? Usage(AttributeBag bag, List<string> problems)
        => TokenUsage.FromLangfuseDetails(bag.Json("langfuse.observation.usage_details"), problems);

    /// <summary>Reported cost: <c>total</c>, else the buckets' sum (Langfuse's rule), and the breakdown.</summary>
    public static (double Total, Dictionary<string, JsonElement> Details)? Cost(AttributeBag bag)
    {
        if (bag.Json("langfuse.observation.cost_details") is not { ValueKind: JsonValueKind.Object } json)
        {
            return null;
        }

        var details = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        double? total = null;
        double sum = 0;
        foreach (var property in json.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(property.Value.GetDouble()))
            {
                continue;
            }

            details[property.Name] = property.Value.Clone();
            if (property.Name == "total")
            {
                total = property.Value.GetDouble();
            }
            else
            {
                sum += property.Value.GetDouble();
            }
        }

        return details.Count == 0 ? null : (total ?? sum, details);
    }

    /// <summary>True when <c>langfuse.observation.level</c> says the observation failed.</summary>
    public static bool IsErrorLevel(AttributeBag bag)
        => bag.String("langfuse.observation.level")?.Trim().ToUpperInvariant() is "ERROR" or "FATAL" or "CRITICAL";

    public static string? StatusMessage(AttributeBag bag) => bag.String("langfuse.observation.status_message");

    public static PromptReference? Prompt(AttributeBag bag)
    {
        var name = bag.FirstString("langfuse.observation.prompt.name", "langfuse.prompt.name");
        return name is null
            ? null
            : new PromptReference
            {
                Name = name,
                Version = bag.FirstString("langfuse.observation.prompt.version", "langfuse.prompt.version"),
            };
    }

    /// <summary>First-token time: an ISO-8601 text, which older SDKs JSON-encode a second time.</summary>
    public static long? CompletionStart(AttributeBag bag)
    {
        var text = Unquote(bag.String("langfuse.observation.completion_start_time"));
        if (text is null)
        {
            return null;
        }

        // DateTimeOffset parses at most seven fractional digits; nanosecond texts carry nine.
        var trimmed = ExtraFractionDigits().Replace(text, "$1");
        return DateTimeOffset.TryParse(
            trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? UnixNanos.FromDateTimeOffset(time)
            : null;
    }

    /// <summary>
    /// Trace then observation metadata: each a JSON object and/or one attribute per key (<c>….metadata.key</c>);
    /// later sources overwrite earlier keys, so the observation's own keys win.
    /// </summary>
    public static void AddMetadata(AttributeBag bag, Dictionary<string, JsonElement> target)
    {
        foreach (var prefix in new[] { "langfuse.metadata", TraceMetadata, ObservationMetadata })
        {
            OpenInferenceConvention.MergeObject(bag.Json(prefix), target);
            foreach (var (key, value) in bag.WithPrefix(prefix + "."))
            {
                target[key[(prefix.Length + 1)..]] = value.ValueCase == Proto.AnyValue.ValueOneofCase.StringValue
                    ? bag.Json(key) ?? AnyValueJson.ToElement(value)
                    : AnyValueJson.ToElement(value);
            }
        }
    }

    public static string? TraceName(AttributeBag bag) => bag.String("langfuse.trace.name");

    public static string? TraceInput(AttributeBag bag) => Unquote(bag.String("langfuse.trace.input"));

    public static string? TraceOutput(AttributeBag bag) => Unquote(bag.String("langfuse.trace.output"));

    public static IReadOnlyList<string>? Tags(AttributeBag bag)
        => bag.StringList("langfuse.trace.tags") ?? bag.StringList("langfuse.tags");

    public static string? UserId(AttributeBag bag) => bag.String("langfuse.user.id");

    public static string? SessionId(AttributeBag bag) => bag.String("langfuse.session.id");

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex ExtraFractionDigits();

    /// <summary>A text that is a JSON string literal (SDKs JSON-encode values) is shown without quotes.</summary>
    public static string? Unquote(string? text)
    {
        if (text is null || text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return text;
        }

        return AnyValueJson.TryParse(text) is { ValueKind: JsonValueKind.String } literal
            ? JsonText.GetString(literal)
            : text;
    }
}
