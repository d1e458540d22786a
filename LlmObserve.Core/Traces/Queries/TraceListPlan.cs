namespace LlmObserve.Core.Traces.Queries;

/// <summary>Which filters of a list match few traces, so the query starts from their matches.</summary>
/// <param name="RareSearch">The full-text search matches fewer than the threshold.</param>
/// <param name="RareModel">The model filter does, by its facet rows.</param>
/// <param name="RareTag">The tag filter does, by its facet rows.</param>
/// <param name="RareScore">
/// The score filter does, by its rows in <c>TraceScores</c> (or, with a label, in <c>Scores</c>).
/// </param>
internal readonly record struct TraceListPlan(bool RareSearch, bool RareModel, bool RareTag, bool RareScore = false)
{
    /// <summary>Whether the search, model or tag filter drives the query.</summary>
    public bool OtherDriver => RareSearch || RareModel || RareTag;
}

/// <summary>The kinds of <c>TraceFacets</c> rows, one per model and per tag of a trace.</summary>
internal static class TraceFacetKind
{
    public const string Model = "model";

    public const string Tag = "tag";

    /// <summary>
    /// Whether facet rows answer a filter on <paramref name="value"/> exactly as the list columns do. A model with a
    /// comma could span two entries of the comma list, and a control character keeps a trace's models out of the
    /// facets (see the <c>TraceFacets</c> migration); such filters keep to the scan.
    /// </summary>
    public static bool Answers(string kind, string value)
        => value.All(c => c >= ' ') && (kind != Model || !value.Contains(',', StringComparison.Ordinal));
}
