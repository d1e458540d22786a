using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Redaction;

/// <summary>
/// A project's redaction, compiled: replaces what its detectors find with <c>[REDACTED:kind]</c> in every text a
/// span carries (plain text and the string values inside its JSON fields) and counts the replacements by kind.
/// Thread-safe; one instance serves every request of the project until its settings change.
/// </summary>
public sealed class Redactor
{
    /// <summary>Redacts nothing; used for projects that switched no detector on.</summary>
    public static Redactor None { get; } = new([]);

    private readonly IReadOnlyList<RedactionDetector> _detectors;

    public Redactor(IReadOnlyList<RedactionDetector> detectors)
    {
        _detectors = detectors;
    }

    public bool IsEmpty => _detectors.Count == 0;

    public static string Marker(string kind) => $"[REDACTED:{kind}]";

    /// <summary>The text with every match replaced; <paramref name="counts"/> gains one per replacement.</summary>
    public string Redact(string text, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var detector in _detectors)
        {
            text = Apply(detector, text, counts);
        }

        return text;
    }

    /// <summary>Redacts every text field of the span in place; returns the replacements made.</summary>
    public RedactionCounts RedactSpan(SpanEntity span)
    {
        ArgumentNullException.ThrowIfNull(span);
        var counts = new RedactionCounts();
        if (IsEmpty)
        {
            return counts;
        }

        span.StatusMessage = Text(span.StatusMessage, counts);
        span.InputText = Text(span.InputText, counts);
        span.OutputText = Text(span.OutputText, counts);
        span.TraceInputText = Text(span.TraceInputText, counts);
        span.TraceOutputText = Text(span.TraceOutputText, counts);
        span.UserId = Text(span.UserId, counts);
        span.InputMessagesJson = Json(span.InputMessagesJson, counts);
        span.OutputMessagesJson = Json(span.OutputMessagesJson, counts);
        span.DocumentsJson = Json(span.DocumentsJson, counts);
        span.ToolJson = Json(span.ToolJson, counts);
        span.MetadataJson = Json(span.MetadataJson, counts);
        span.PromptJson = Json(span.PromptJson, counts);
        span.AttributesJson = Json(span.AttributesJson, counts);
        span.ResourceAttributesJson = Json(span.ResourceAttributesJson, counts);
        span.EventsJson = Json(span.EventsJson, counts);
        return counts;
    }

    /// <summary>Plain text: null stays null.</summary>
    public string? Text(string? text, RedactionCounts counts) => text is null ? null : Redact(text, counts);

    /// <summary>
    /// A JSON document: the string values inside are redacted and the document is written again, so a pattern can
    /// never break its quoting. A document no detector touches is returned as it was, byte for byte.
    /// </summary>
    public string? Json(string? json, RedactionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (string.IsNullOrEmpty(json))
        {
            return json;
        }

        // A cheap look at the raw text first; escapes (\u0040 …) can hide a match from it, so those are parsed.
        var probe = new RedactionCounts();
        Redact(json, probe);
        if (probe.Total == 0 && !json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return Redact(json, counts);
        }

        var before = counts.Total;
        if (Replacement(root, counts) is { } replacedRoot)
        {
            root = replacedRoot;
        }
        else
        {
            Walk(root, counts);
        }

        return counts.Total == before ? json : root?.ToJsonString(StoreJson.Options) ?? "null";
    }

    private void Walk(JsonNode? node, RedactionCounts counts)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (Replacement(child, counts) is { } replaced)
                    {
                        obj[name] = replaced;
                    }
                    else
                    {
                        Walk(child, counts);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Replacement(array[i], counts) is { } replaced)
                    {
                        array[i] = replaced;
                    }
                    else
                    {
                        Walk(array[i], counts);
                    }
                }

                break;
        }
    }

    /// <summary>A new value when <paramref name="node"/> is a string that redaction changes; else null.</summary>
    private JsonValue? Replacement(JsonNode? node, RedactionCounts counts)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetValue<string>();
        var redacted = Redact(text, counts);
        return string.Equals(redacted, text, StringComparison.Ordinal) ? null : JsonValue.Create(redacted);
    }

    private static string Apply(RedactionDetector detector, string text, RedactionCounts counts)
    {
        if (detector.MayMatch is { } mayMatch && !mayMatch(text))
        {
            return text;
        }

        var found = 0;
        string result;
        try
        {
            result = detector.Pattern.Replace(text, match =>
            {
                if (detector.Accept is { } accept && !accept(match.Value))
                {
                    return match.Value;
                }

                found++;
                return Marker(detector.Kind);
            });
        }
        catch (RegexMatchTimeoutException)
        {
            // Cannot happen for linear patterns on sane sizes; if it does, keep nothing that may hold a match.
            counts.Add(detector.Kind, 1);
            return Marker(detector.Kind + ":timeout");
        }

        if (found > 0)
        {
            counts.Add(detector.Kind, found);
        }

        return result;
    }
}

/// <summary>Replacements made, by detector kind.</summary>
public sealed class RedactionCounts
{
    private readonly SortedDictionary<string, int> _byKind = new(StringComparer.Ordinal);

    public int Total { get; private set; }

    public IReadOnlyDictionary<string, int> ByKind => _byKind;

    public void Add(string kind, int count)
    {
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + count;
        Total += count;
    }

    /// <summary>The counts as stored on the span (<c>{"email":2}</c>); null when nothing was replaced.</summary>
    public string? ToJson() => Total == 0 ? null : JsonSerializer.Serialize(_byKind, StoreJson.Options);
}
