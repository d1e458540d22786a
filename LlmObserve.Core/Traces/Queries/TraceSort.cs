namespace LlmObserve.Core.Traces.Queries;

/// <summary>The stable keys the trace list can be ordered by; the trace id breaks ties so paging is exact.</summary>
public enum TraceSortKey
{
    StartTime,
    Latency,
    Cost,
    Tokens,

    /// <summary>Mean of the trace's scores named by <see cref="TraceFilter.ScoreName"/>, which must be set.</summary>
    Score,
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
        TraceSortKey.Score => "score",
        _ => "start",
    };

    /// <summary>Whether traces may lack the key (no cost, no numeric score); SQLite sorts them lowest.</summary>
    public static bool IsNullable(TraceSortKey key) => key is TraceSortKey.Cost or TraceSortKey.Score;

    public static bool TryParseKey(string? text, out TraceSortKey key)
    {
        key = text switch
        {
            "start" => TraceSortKey.StartTime,
            "latency" => TraceSortKey.Latency,
            "cost" => TraceSortKey.Cost,
            "tokens" => TraceSortKey.Tokens,
            "score" => TraceSortKey.Score,
            _ => (TraceSortKey)(-1),
        };
        return Enum.IsDefined(key);
    }
}
