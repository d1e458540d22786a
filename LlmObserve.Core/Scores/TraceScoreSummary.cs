namespace LlmObserve.Core.Scores;

/// <summary>
/// The scores of one name on one trace, summed: what the trace list shows in its score columns, filters on and sorts
/// by. Kept by <see cref="ScoreAggregateMaintainer"/> from the trace's <see cref="Score"/> rows, trace-level and
/// span-level alike.
/// </summary>
public sealed class TraceScoreSummary
{
    public required string ProjectId { get; set; }

    public required string TraceId { get; set; }

    public required string Name { get; set; }

    /// <summary>The row id (<c>Traces.Id</c>) of the trace; null while the trace itself has not arrived.</summary>
    public long? TraceRowId { get; set; }

    /// <summary>Scores of this name on the trace, with or without a value.</summary>
    public int Count { get; set; }

    /// <summary>Those of them with a numeric value.</summary>
    public int ValueCount { get; set; }

    /// <summary>Mean of the numeric values; null when every score of the name has only a label.</summary>
    public double? Mean { get; set; }

    /// <summary>The distinct labels given, ordinal order, as a JSON array; null when none was.</summary>
    public string? LabelsJson { get; set; }
}
