using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Datasets;

/// <summary>
/// Datasets and their items. Every change is one new dataset version written in one transaction: the item revisions
/// it closes and opens and the raised version number, so a reader at any version sees whole changes only. Two changes
/// at once do not share a number: the version is a concurrency token and the loser retries on the new one.
/// </summary>
public sealed class DatasetService(IDbContextFactory<LlmObserveDbContext> dbFactory, TimeProvider timeProvider)
{
    public const int MaxNameLength = 200;
    public const int MaxTextChars = 100_000;
    private const int MaxAttempts = 5;

    public async Task<(DatasetView? Dataset, IReadOnlyList<FieldError> Errors)> CreateAsync(
        string projectId,
        string? name,
        string? description,
        CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            return (null, [new FieldError("name", $"'name' is required, at most {MaxNameLength} characters.")]);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Datasets.AnyAsync(d => d.ProjectId == projectId && d.Name == trimmed, cancellationToken))
        {
            return (null, [new FieldError("name", $"A dataset named '{trimmed}' exists already.")]);
        }

        var now = timeProvider.GetUtcNow();
        var dataset = new Dataset
        {
            Id = "ds-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            ProjectId = projectId,
            Name = trimmed,
            Description = description?.Trim() ?? string.Empty,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(cancellationToken);
        return (ToView(dataset, 0), []);
    }

    public async Task<IReadOnlyList<DatasetView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var datasets = await db.Datasets.AsNoTracking()
            .Where(d => d.ProjectId == projectId)
            .OrderBy(d => d.Name)
            .ToListAsync(cancellationToken);
        var ids = datasets.Select(d => d.Id).ToList();
        var counts = await db.DatasetItems.AsNoTracking()
            .Where(i => ids.Contains(i.DatasetId) && i.ToVersion == null)
            .GroupBy(i => i.DatasetId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. datasets.Select(d => ToView(d, counts.GetValueOrDefault(d.Id)))];
    }

    /// <summary>The dataset with its items at a version (default the current one); null when there is none.</summary>
    public async Task<DatasetDetail?> GetAsync(
        string projectId,
        string datasetId,
        int? version,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dataset = await db.Datasets.AsNoTracking()
            .FirstOrDefaultAsync(d => d.ProjectId == projectId && d.Id == datasetId, cancellationToken);
        if (dataset is null)
        {
            return null;
        }

        var at = version ?? dataset.Version;
        var items = await ItemsAtAsync(db, datasetId, at, cancellationToken);
        var current = at == dataset.Version ? items.Count : await CountCurrentAsync(db, datasetId, cancellationToken);
        return new DatasetDetail(ToView(dataset, current), at, [.. items.Select(ToView)]);
    }

    /// <summary>The item revisions that make up a version, in the order they were first added.</summary>
    public static Task<List<DatasetItem>> ItemsAtAsync(
        LlmObserveDbContext db,
        string datasetId,
        int version,
        CancellationToken cancellationToken)
        => db.DatasetItems.AsNoTracking()
            .Where(i => i.DatasetId == datasetId && i.FromVersion <= version
                && (i.ToVersion == null || i.ToVersion > version))
            .OrderBy(i => i.Position)
            .ThenBy(i => i.Id)
            .ToListAsync(cancellationToken);

    public Task<DatasetChange> AddItemAsync(
        string projectId,
        string datasetId,
        DatasetItemDraft draft,
        CancellationToken cancellationToken)
    {
        if (Check(draft) is { } error)
        {
            return Task.FromResult(new DatasetChange(null, 0, [error]));
        }

        return ChangeAsync(projectId, datasetId, async (db, dataset, version) =>
        {
            var position = await NextPositionAsync(db, datasetId, cancellationToken);
            var item = NewRevision(datasetId, NewItemId(), draft, version, position);
            db.DatasetItems.Add(item);
            return (item, null);
        }, cancellationToken);
    }

    /// <summary>A case from a stored trace: its input, output (as the expected output unless given), context.</summary>
    public async Task<DatasetChange> AddFromTraceAsync(
        string projectId,
        string datasetId,
        string? traceId,
        string? expectedOutput,
        CancellationToken cancellationToken)
    {
        var normalized = TraceIds.NormalizeTraceId(traceId?.Trim());
        if (normalized is null)
        {
            return DatasetChange.Invalid("traceId", "'traceId' is a trace id of 32 hex characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var subject = await EvaluationSubject.ReadAsync(
            db,
            projectId,
            normalized,
            EvaluatorTargets.Trace,
            cancellationToken);
        if (subject is null)
        {
            return DatasetChange.Invalid("traceId", $"No trace '{normalized}' is stored in this project.");
        }

        var draft = new DatasetItemDraft
        {
            Input = string.IsNullOrWhiteSpace(subject.Input) ? "(no input)" : subject.Input,
            Context = subject.Context,
            ExpectedOutput = expectedOutput ?? NullIfEmpty(subject.Output),
            Metadata = subject.Metadata.Count == 0 ? null : subject.Metadata,
            SourceTraceId = normalized,
        };
        return await AddItemAsync(projectId, datasetId, draft, cancellationToken);
    }

    /// <summary>
    /// A case from a labelled annotation item: its trace as <see cref="AddFromTraceAsync"/> takes it, the reviewers'
    /// labels in the metadata (<c>label.&lt;score&gt;</c>) and, when a reviewer wrote a text label, that text as the
    /// expected output (a reviewer's correction) unless one is given.
    /// </summary>
    public async Task<DatasetChange> AddFromAnnotationItemAsync(
        string projectId,
        string datasetId,
        long annotationItemId,
        string? expectedOutput,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var item = await db.AnnotationItems.AsNoTracking()
            .Join(db.AnnotationQueues.Where(q => q.ProjectId == projectId), i => i.QueueId, q => q.Id, (i, q) => i)
            .FirstOrDefaultAsync(i => i.Id == annotationItemId, cancellationToken);
        if (item is null)
        {
            return DatasetChange.Invalid(
                "annotationItemId",
                $"No annotation item {annotationItemId} exists in this project.");
        }

        var labels = await db.Scores.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.AnnotationItemId == annotationItemId)
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
        if (labels.Count == 0)
        {
            return DatasetChange.Invalid("annotationItemId", "The annotation item has no labels yet.");
        }

        var textConfigs = await db.ScoreConfigs.AsNoTracking()
            .Where(c => c.QueueId == item.QueueId && c.Kind == ScoreConfigKinds.Text)
            .Select(c => c.Name)
            .ToListAsync(cancellationToken);
        var correction = labels.LastOrDefault(s => textConfigs.Contains(s.Name)) is { } text
            ? NullIfEmpty(text.Label ?? text.Explanation)
            : null;

        var subject = await EvaluationSubject.ReadAsync(
            db,
            projectId,
            item.TraceId,
            EvaluatorTargets.Trace,
            cancellationToken);
        if (subject is null)
        {
            return DatasetChange.Invalid("annotationItemId", "The annotation item's trace is no longer stored.");
        }

        var metadata = new Dictionary<string, string>(subject.Metadata, StringComparer.Ordinal);
        foreach (var label in labels.Where(s => !textConfigs.Contains(s.Name)))
        {
            metadata["label." + label.Name] = label.Label
                ?? label.Value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        }

        var draft = new DatasetItemDraft
        {
            Input = string.IsNullOrWhiteSpace(subject.Input) ? "(no input)" : subject.Input,
            Context = subject.Context,
            ExpectedOutput = expectedOutput ?? correction ?? NullIfEmpty(subject.Output),
            Metadata = metadata,
            SourceTraceId = item.TraceId,
            SourceAnnotationItemId = annotationItemId,
        };
        return await AddItemAsync(projectId, datasetId, draft, cancellationToken);
    }

    /// <summary>Writes a new revision of an item with another expected output (null or empty clears it).</summary>
    public Task<DatasetChange> UpdateExpectedOutputAsync(
        string projectId,
        string datasetId,
        string itemId,
        string? expectedOutput,
        CancellationToken cancellationToken)
    {
        if (expectedOutput?.Length > MaxTextChars)
        {
            return Task.FromResult(DatasetChange.Invalid(
                "expectedOutput",
                $"'expectedOutput' is at most {MaxTextChars} characters."));
        }

        return ChangeAsync(projectId, datasetId, async (db, dataset, version) =>
        {
            var current = await db.DatasetItems
                .FirstOrDefaultAsync(i => i.DatasetId == datasetId && i.ItemId == itemId && i.ToVersion == null,
                    cancellationToken);
            if (current is null)
            {
                return (null, DatasetChange.Missing);
            }

            current.ToVersion = version;
            var next = new DatasetItem
            {
                DatasetId = datasetId,
                ItemId = itemId,
                Position = current.Position,
                Input = current.Input,
                ContextJson = current.ContextJson,
                ExpectedOutput = NullIfEmpty(expectedOutput),
                MetadataJson = current.MetadataJson,
                SourceTraceId = current.SourceTraceId,
                SourceAnnotationItemId = current.SourceAnnotationItemId,
                FromVersion = version,
                CreatedAt = timeProvider.GetUtcNow(),
            };
            db.DatasetItems.Add(next);
            return (next, null);
        }, cancellationToken);
    }

    public Task<DatasetChange> DeleteItemAsync(
        string projectId,
        string datasetId,
        string itemId,
        CancellationToken cancellationToken)
        => ChangeAsync(projectId, datasetId, async (db, dataset, version) =>
        {
            var current = await db.DatasetItems
                .FirstOrDefaultAsync(i => i.DatasetId == datasetId && i.ItemId == itemId && i.ToVersion == null,
                    cancellationToken);
            if (current is null)
            {
                return (null, DatasetChange.Missing);
            }

            current.ToVersion = version;
            return (null, null);
        }, cancellationToken);

    /// <summary>
    /// Adds the rows of a CSV or JSONL file as one new version. With a broken row nothing is added, unless
    /// <paramref name="skipBadRows"/>: then the good rows are, and the broken ones are still reported.
    /// </summary>
    public async Task<(ImportResult? Result, bool NotFound)> ImportAsync(
        string projectId,
        string datasetId,
        string format,
        string text,
        bool skipBadRows,
        CancellationToken cancellationToken)
    {
        var (rows, errors) = DatasetFiles.Read(format, text);
        var allErrors = errors.ToList();
        var good = new List<DatasetItemDraft>();
        foreach (var (row, draft) in rows)
        {
            if (Check(draft) is { } error)
            {
                allErrors.Add(new ImportRowError(row, error.Message));
            }
            else
            {
                good.Add(draft);
            }
        }

        allErrors.Sort((a, b) => a.Row.CompareTo(b.Row));
        if ((allErrors.Count > 0 && !skipBadRows) || good.Count == 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var dataset = await db.Datasets.AsNoTracking()
                .FirstOrDefaultAsync(d => d.ProjectId == projectId && d.Id == datasetId, cancellationToken);
            if (dataset is null)
            {
                return (null, true);
            }

            if (allErrors.Count == 0)
            {
                allErrors.Add(new ImportRowError(0, "The file has no rows."));
            }

            return (new ImportResult(0, allErrors, dataset.Version, Applied: false), false);
        }

        var change = await ChangeAsync(projectId, datasetId, async (db, dataset, version) =>
        {
            var position = await NextPositionAsync(db, datasetId, cancellationToken);
            foreach (var draft in good)
            {
                db.DatasetItems.Add(NewRevision(datasetId, NewItemId(), draft, version, position++));
            }

            return ((DatasetItem?)null, (DatasetChange?)null);
        }, cancellationToken);
        return change.NotFound
            ? (null, true)
            : (new ImportResult(good.Count, allErrors, change.Version, Applied: true), false);
    }

    /// <summary>The items of a version as a file; null when there is no such dataset.</summary>
    public async Task<string?> ExportAsync(
        string projectId,
        string datasetId,
        string format,
        int? version,
        CancellationToken cancellationToken)
    {
        var detail = await GetAsync(projectId, datasetId, version, cancellationToken);
        return detail is null ? null : DatasetFiles.Write(format, detail.Items);
    }

    public static DatasetItemView ToView(DatasetItem item) => new(
        item.ItemId,
        item.Id,
        item.Input,
        item.ContextJson is null ? [] : JsonSerializer.Deserialize<List<string>>(item.ContextJson) ?? [],
        item.ExpectedOutput,
        item.MetadataJson is null
            ? null
            : JsonSerializer.Deserialize<Dictionary<string, string>>(item.MetadataJson),
        item.SourceTraceId,
        item.SourceAnnotationItemId,
        item.FromVersion,
        item.CreatedAt);

    private async Task<DatasetChange> ChangeAsync(
        string projectId,
        string datasetId,
        Func<LlmObserveDbContext, Dataset, int, Task<(DatasetItem? Item, DatasetChange? Refusal)>> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var dataset = await db.Datasets
                .FirstOrDefaultAsync(d => d.ProjectId == projectId && d.Id == datasetId, cancellationToken);
            if (dataset is null)
            {
                return DatasetChange.Missing;
            }

            var version = dataset.Version + 1;
            var (item, refusal) = await change(db, dataset, version);
            if (refusal is not null)
            {
                return refusal;
            }

            dataset.Version = version;
            dataset.UpdatedAt = timeProvider.GetUtcNow();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new DatasetChange(item is null ? null : ToView(item), version, []);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another change took this version number first; read the dataset again and take the next.
            }
        }
    }

    private DatasetItem NewRevision(
        string datasetId,
        string itemId,
        DatasetItemDraft draft,
        int version,
        int position) => new()
    {
        DatasetId = datasetId,
        ItemId = itemId,
        Position = position,
        Input = draft.Input!,
        ContextJson = draft.Context is { Count: > 0 } context ? JsonSerializer.Serialize(context) : null,
        ExpectedOutput = NullIfEmpty(draft.ExpectedOutput),
        MetadataJson = draft.Metadata is { Count: > 0 } metadata ? JsonSerializer.Serialize(metadata) : null,
        SourceTraceId = draft.SourceTraceId,
        SourceAnnotationItemId = draft.SourceAnnotationItemId,
        FromVersion = version,
        CreatedAt = timeProvider.GetUtcNow(),
    };

    private static FieldError? Check(DatasetItemDraft draft)
    {
        if (string.IsNullOrWhiteSpace(draft.Input))
        {
            return new FieldError("input", "'input' is required.");
        }

        if (draft.Input.Length > MaxTextChars)
        {
            return new FieldError("input", $"'input' is at most {MaxTextChars} characters.");
        }

        if (draft.ExpectedOutput?.Length > MaxTextChars)
        {
            return new FieldError("expectedOutput", $"'expectedOutput' is at most {MaxTextChars} characters.");
        }

        if (draft.Context?.Sum(c => c.Length) > MaxTextChars)
        {
            return new FieldError("context", $"'context' is at most {MaxTextChars} characters in all.");
        }

        return null;
    }

    private static Task<int> CountCurrentAsync(
        LlmObserveDbContext db,
        string datasetId,
        CancellationToken cancellationToken)
        => db.DatasetItems.CountAsync(i => i.DatasetId == datasetId && i.ToVersion == null, cancellationToken);

    private static async Task<int> NextPositionAsync(
        LlmObserveDbContext db,
        string datasetId,
        CancellationToken cancellationToken)
        => (await db.DatasetItems.Where(i => i.DatasetId == datasetId)
            .MaxAsync(i => (int?)i.Position, cancellationToken) ?? 0) + 1;

    private static string NewItemId() => "di-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static DatasetView ToView(Dataset dataset, int itemCount) => new(
        dataset.Id,
        dataset.Name,
        dataset.Description,
        dataset.Version,
        itemCount,
        dataset.CreatedAt,
        dataset.UpdatedAt);
}
