using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Cuts oversized text of one span on a character boundary, appends a visible marker with the original size,
/// and keeps a <see cref="TruncationNote"/> for each cut so the span says what it lost.
/// </summary>
internal sealed class TextLimiter
{
    private readonly int _maxFieldChars;
    private readonly int _maxAttributeChars;
    private readonly List<TruncationNote> _notes = [];

    public TextLimiter(IngestionOptions options)
    {
        _maxFieldChars = Math.Max(1, options.MaxFieldChars);
        _maxAttributeChars = Math.Max(1, options.MaxAttributeChars);
    }

    public IReadOnlyList<TruncationNote> Notes => _notes;

    /// <summary>The marker appended to cut text, e.g. <c>…[truncated, 1048576 chars]</c>.</summary>
    public static string Marker(int originalLength)
        => string.Create(CultureInfo.InvariantCulture, $"…[truncated, {originalLength} chars]");

    /// <summary>The first <paramref name="maxChars"/> characters and the marker, never half a pair.</summary>
    public static string Cut(string value, int maxChars)
    {
        var keep = maxChars;
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), Marker(value.Length));
    }

    /// <summary>Caps a text field of the span at the field limit.</summary>
    public string? Field(string? value, string field) => Limit(value, _maxFieldChars, field);

    /// <summary>Caps one string inside the raw attributes, events or links at the attribute limit.</summary>
    public string Attribute(string value, string path) => Limit(value, _maxAttributeChars, path)!;

    /// <summary>Whether a string inside the raw attributes, events or links stays whole.</summary>
    public bool FitsAttribute(string value) => value.Length <= _maxAttributeChars;

    public void Add(TruncationNote note) => _notes.Add(note);

    /// <summary>Caps every string inside a JSON column at the field limit; the JSON stays valid.</summary>
    public string? JsonColumn(string? json, string column)
    {
        // Escaping only lengthens text, so no string inside can exceed the limit when the whole document does not.
        if (json is null || json.Length <= _maxFieldChars)
        {
            return json;
        }

        var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        var changed = LimitNode(root, column, replace => root = replace);
        return changed ? root?.ToJsonString(StoreJson.Options) : json;
    }

    private string? Limit(string? value, int maxChars, string field)
    {
        if (value is null || value.Length <= maxChars)
        {
            return value;
        }

        _notes.Add(new TruncationNote(field, value.Length));
        return Cut(value, maxChars);
    }

    private bool LimitNode(JsonNode? node, string path, Action<JsonNode> replace)
    {
        switch (node)
        {
            case JsonObject obj:
                var changed = false;
                foreach (var name in obj.Select(property => property.Key).ToList())
                {
                    changed |= LimitNode(obj[name], $"{path}.{name}", value => obj[name] = value);
                }

                return changed;
            case JsonArray array:
                var anyChanged = false;
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    anyChanged |= LimitNode(array[i], $"{path}[{i}]", value => array[index] = value);
                }

                return anyChanged;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text.Length <= _maxFieldChars)
                {
                    return false;
                }

                replace(JsonValue.Create(Limit(text, _maxFieldChars, path)!));
                return true;
            default:
                return false;
        }
    }
}
