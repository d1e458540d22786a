namespace LlmObserve.Core.Traces.Queries;

/// <summary>The stable keys the trace list can be ordered by; the trace id breaks ties so paging is exact.</summary>
public enum TraceSortKey
{
    StartTime,
    Latency,
    Cost,
    Tokens,
}

/// <summary>An order of the trace list: a key and a direction. The default is newest first.</summary>
public readonly record struct TraceSort(TraceSortKey Key, bool Descending)
{
    public static TraceSort Default { get; } = new(TraceSortKey.StartTime, Descending: true);

    /// <summary>The key as the query string and cursors name it.</summary>
    public string KeyName => Name(Key);

    public string OrderName => Descending ? "desc" : "asc";

    public static string Name(TraceSortKey key) => key switch
    {
        TraceSortKey.Latency => "latency",
        TraceSortKey.Cost => "cost",
        TraceSortKey.Tokens => "tokens",
        _ => "start",
    };

    public static bool TryParseKey(string? text, out TraceSortKey key)
    {
        key = text switch
        {
            "start" => TraceSortKey.StartTime,
            "latency" => TraceSortKey.Latency,
            "cost" => TraceSortKey.Cost,
            "tokens" => TraceSortKey.Tokens,
            _ => (TraceSortKey)(-1),
        };
        return Enum.IsDefined(key);
    }
}
