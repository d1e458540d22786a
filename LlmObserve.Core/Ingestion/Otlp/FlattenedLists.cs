using System.Globalization;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// Rebuilds lists that conventions flatten into keys such as <c>llm.input_messages.3.message.role</c> or
/// <c>gen_ai.prompt.0.tool_calls.1.name</c>: items are ordered by their numeric index (10 after 9), gaps are
/// tolerated, and a huge index costs nothing because no slots are allocated.
/// </summary>
internal static class FlattenedLists
{
    /// <summary>The items under <c>{prefix}.{index}.</c>, each as a bag keyed by the rest of the key.</summary>
    public static IReadOnlyList<(int Index, AttributeBag Item)> Read(AttributeBag bag, string prefix)
    {
        var start = prefix + ".";
        SortedDictionary<int, List<KeyValuePair<string, AnyValue>>>? items = null;
        foreach (var (key, value) in bag.WithPrefix(start))
        {
            var rest = key.AsSpan(start.Length);
            var dot = rest.IndexOf('.');
            if (dot <= 0 || dot == rest.Length - 1
                || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                continue;
            }

            items ??= [];
            if (!items.TryGetValue(index, out var fields))
            {
                fields = [];
                items[index] = fields;
            }

            fields.Add(new KeyValuePair<string, AnyValue>(rest[(dot + 1)..].ToString(), value));
        }

        if (items is null)
        {
            return [];
        }

        return items.Select(pair => (pair.Key, AttributeBag.Of(pair.Value))).ToList();
    }
}
