using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Typed, forgiving lookup over OTLP attributes. Conventions disagree on value types (an int as a string, a
/// list as a JSON string or a comma list, a structure as a kvlist or as JSON text), so every getter accepts
/// the shapes seen in the wild and returns null rather than throwing. Empty strings count as absent.
/// </summary>
internal sealed class AttributeBag
{
    private readonly Dictionary<string, AnyValue> _values;
    private readonly AttributeBag? _fallback;

    public AttributeBag(RepeatedField<KeyValue> attributes)
    {
        _values = new Dictionary<string, AnyValue>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            if (attribute.Value is not null && attribute.Value.ValueCase != AnyValue.ValueOneofCase.None)
            {
                _values[attribute.Key] = attribute.Value;
            }
        }
    }

    private AttributeBag(Dictionary<string, AnyValue> values, AttributeBag? fallback)
    {
        _values = values;
        _fallback = fallback;
    }

    public static AttributeBag Empty { get; } = new([], null);

    /// <summary>The bag's own attributes (not the fallback's).</summary>
    public IReadOnlyDictionary<string, AnyValue> Values => _values;

    public static AttributeBag Of(IEnumerable<KeyValuePair<string, AnyValue>> values)
        => new(new Dictionary<string, AnyValue>(values, StringComparer.Ordinal), null);

    /// <summary>A view answering from this bag first and from <paramref name="fallback"/> for missing keys.</summary>
    public AttributeBag WithFallback(AttributeBag fallback) => new(_values, fallback);

    public bool Has(string key) => Get(key) is not null;

    public bool HasPrefix(string prefix)
    {
        // Loops rather than LINQ: conventions ask this of every span many times, and the closures were a tenth of
        // what OTLP ingestion allocated.
        foreach (var key in _values.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return _fallback?.HasPrefix(prefix) ?? false;
    }

    public AnyValue? Get(string key)
    {
        if (_values.TryGetValue(key, out var value)
            && !(value.ValueCase == AnyValue.ValueOneofCase.StringValue && value.StringValue.Length == 0))
        {
            return value;
        }

        return _fallback?.Get(key);
    }

    /// <summary>Text of a value: strings as they are, numbers and booleans formatted, structures as JSON.</summary>
    public string? String(string key) => AnyValueJson.ToText(Get(key));

    public string? FirstString(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            var value = String(key);
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }

    public long? Long(string key)
    {
        var value = Get(key);
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.IntValue:
                return value.IntValue;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue):
                return (long)Math.Round(value.DoubleValue);
            case AnyValue.ValueOneofCase.StringValue:
                var text = value.StringValue.Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    && double.IsFinite(real) ? (long)Math.Round(real) : null;
            default:
                return null;
        }
    }

    public long? FirstLong(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (Long(key) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    public double? Double(string key)
    {
        var value = Get(key);
        return value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
            AnyValue.ValueOneofCase.IntValue => value.IntValue,
            AnyValue.ValueOneofCase.StringValue when double.TryParse(
                value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    public bool? Bool(string key)
    {
        var value = Get(key);
        return value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
            AnyValue.ValueOneofCase.StringValue when bool.TryParse(value.StringValue.Trim(), out var parsed) => parsed,
            AnyValue.ValueOneofCase.IntValue => value.IntValue != 0,
            _ => null,
        };
    }

    /// <summary>
    /// A value as JSON: structured values converted, strings parsed when they hold JSON (a plain string that is not
    /// JSON is returned as a JSON string when <paramref name="textAsString"/> is set, else null).
    /// </summary>
    public JsonElement? Json(string key, bool textAsString = false)
    {
        var value = Get(key);
        if (value is null)
        {
            return null;
        }

        if (value.ValueCase != AnyValue.ValueOneofCase.StringValue)
        {
            return AnyValueJson.ToElement(value);
        }

        var text = value.StringValue;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[' or '"' && AnyValueJson.TryParse(text) is { } parsed)
        {
            return parsed;
        }

        return textAsString ? JsonSerializer.SerializeToElement(text) : null;
    }

    /// <summary>A list of strings from an array, a JSON array text, or a comma-separated text.</summary>
    public IReadOnlyList<string>? StringList(string key)
    {
        var value = Get(key);
        if (value is null)
        {
            return null;
        }

        if (value.ValueCase == AnyValue.ValueOneofCase.ArrayValue)
        {
            return Clean(value.ArrayValue.Values.Select(AnyValueJson.ToText));
        }

        var text = AnyValueJson.ToText(value) ?? string.Empty;
        if (text.TrimStart().StartsWith('[') && AnyValueJson.TryParse(text) is { ValueKind: JsonValueKind.Array } array)
        {
            return Clean(array.EnumerateArray().Select(item
                => item.ValueKind == JsonValueKind.String ? JsonText.GetString(item) : item.GetRawText()));
        }

        return Clean(text.Split(','));
    }

    /// <summary>Own and fallback attributes whose key starts with <paramref name="prefix"/>, own first.</summary>
    /// <remarks>Allocates only when something matches; most prefixes asked of a span match nothing.</remarks>
    public IReadOnlyList<KeyValuePair<string, AnyValue>> WithPrefix(string prefix)
    {
        List<KeyValuePair<string, AnyValue>>? found = null;
        foreach (var pair in _values)
        {
            if (pair.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                (found ??= []).Add(pair);
            }
        }

        if (_fallback is not null)
        {
            foreach (var pair in _fallback.WithPrefix(prefix))
            {
                if (!_values.ContainsKey(pair.Key))
                {
                    (found ??= []).Add(pair);
                }
            }
        }

        return found ?? (IReadOnlyList<KeyValuePair<string, AnyValue>>)[];
    }

    private static List<string>? Clean(IEnumerable<string?> items)
    {
        var list = items.Select(item => item?.Trim()).Where(item => !string.IsNullOrEmpty(item)).Select(item => item!)
            .ToList();
        return list.Count == 0 ? null : list;
    }
}
