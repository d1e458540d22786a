namespace LlmObserve.Core.Datasets;

/// <summary>
/// A named set of cases (input, context, expected output) to run prompts and models against. Every change to its
/// items starts a new <see cref="Version"/>, so an experiment pinned to a version always reads the same items.
/// </summary>
public sealed class Dataset
{
    /// <summary>"ds-" and 12 hex characters.</summary>
    public required string Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>Unique in its project.</summary>
    public required string Name { get; set; }

    public string Description { get; set; } = string.Empty;

    /// <summary>0 while empty; raised by one with each add, edit, delete or import.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One revision of a dataset item, never changed once written but for closing it: an edit closes the revision at the
/// new version and writes the next one; a delete only closes it. An item is in version v when
/// <c>FromVersion &lt;= v</c> and it is not closed at or before v.
/// </summary>
public sealed class DatasetItem
{
    /// <summary>The revision's row id: what an experiment result points at.</summary>
    public long Id { get; set; }

    public required string DatasetId { get; set; }

    /// <summary>"di-" and 12 hex characters, the same across the item's revisions.</summary>
    public required string ItemId { get; set; }

    /// <summary>Where the item sits in the dataset, kept across its revisions.</summary>
    public int Position { get; set; }

    public required string Input { get; set; }

    /// <summary>Retrieved documents as a JSON array of strings; null when the case has none.</summary>
    public string? ContextJson { get; set; }

    public string? ExpectedOutput { get; set; }

    /// <summary>A JSON object, or null.</summary>
    public string? MetadataJson { get; set; }

    /// <summary>The trace the case was taken from, if any.</summary>
    public string? SourceTraceId { get; set; }

    /// <summary>The annotation item the case was taken from, if any.</summary>
    public long? SourceAnnotationItemId { get; set; }

    /// <summary>The dataset version this revision first belongs to.</summary>
    public int FromVersion { get; set; }

    /// <summary>The dataset version from which this revision no longer belongs; null while current.</summary>
    public int? ToVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
