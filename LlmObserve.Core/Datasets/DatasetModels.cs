namespace LlmObserve.Core.Datasets;

/// <summary>A dataset as listed.</summary>
public sealed record DatasetView(
    string Id,
    string Name,
    string Description,
    int Version,
    int ItemCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A dataset item as read at one version: <c>Id</c> is stable across its revisions, <c>Revision</c> is the revision
/// read (what experiment results point at).
/// </summary>
public sealed record DatasetItemView(
    string Id,
    long Revision,
    string Input,
    IReadOnlyList<string> Context,
    string? ExpectedOutput,
    IReadOnlyDictionary<string, string>? Metadata,
    string? SourceTraceId,
    long? SourceAnnotationItemId,
    int FromVersion,
    DateTimeOffset CreatedAt);

/// <summary>A dataset with its items at one version.</summary>
public sealed record DatasetDetail(DatasetView Dataset, int ItemsVersion, IReadOnlyList<DatasetItemView> Items);

/// <summary>A case as someone wants it added (API, import file or the pages).</summary>
public sealed record DatasetItemDraft
{
    public string? Input { get; init; }

    public IReadOnlyList<string>? Context { get; init; }

    public string? ExpectedOutput { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public string? SourceTraceId { get; init; }

    public long? SourceAnnotationItemId { get; init; }
}

/// <summary>A row of an import file that cannot be taken, and why; rows count from 1 (after a CSV header).</summary>
public sealed record ImportRowError(int Row, string Reason);

/// <summary>What an import did: the rows taken, the rows refused, and the version it made (if any).</summary>
public sealed record ImportResult(int Imported, IReadOnlyList<ImportRowError> Errors, int Version, bool Applied);

/// <summary>The result of a change to a dataset: the item written and the new version, or why not.</summary>
public sealed record DatasetChange(
    DatasetItemView? Item,
    int Version,
    IReadOnlyList<Evaluation.FieldError> Errors,
    bool NotFound = false)
{
    public static DatasetChange Missing { get; } = new(null, 0, [], NotFound: true);

    public static DatasetChange Invalid(string field, string message) => new(null, 0, [new(field, message)]);
}
