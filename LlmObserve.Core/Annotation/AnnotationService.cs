using System.Globalization;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Live;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LlmObserve.Core.Annotation;

/// <summary>
/// Annotation queues: creating them from a trace filter, handing items to reviewers under a lease, and storing their
/// labels as scores with source <see cref="ScoreSource.Human"/>. Handing out and submitting run in immediate
/// transactions, so two reviewers never hold the same single-review item, and a label that comes after its lease ran
/// out and someone else took the item is refused, not written over theirs.
/// </summary>
public sealed class AnnotationService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    TraceQueries traces,
    IScoreChangeNotifier scoreChanges,
    TimeProvider timeProvider)
{
    public const int MaxItems = 1000;
    public const int MaxMatchesSampled = 10_000;
    public const int MaxReviewsPerItem = 10;
    public const int MaxConfigs = 20;
    public const int MaxTextChars = 10_000;

    // An item is open to a reviewer who has not finished it, while fewer other reviewers than it needs are done with
    // it or hold an unexpired lease on it.
    private const string NextItem = """
        SELECT i."Id" FROM "AnnotationItems" AS i
        WHERE i."QueueId" = $queue
            AND NOT EXISTS (SELECT 1 FROM "AnnotationLeases" AS mine
                WHERE mine."ItemId" = i."Id" AND mine."Reviewer" = $reviewer AND mine."State" <> 'leased')
            AND (SELECT count(*) FROM "AnnotationLeases" AS other
                WHERE other."ItemId" = i."Id" AND other."Reviewer" <> $reviewer
                    AND (other."State" = 'done' OR (other."State" = 'leased' AND other."ExpiresAt" > $now))) < $needed
        ORDER BY i."Position"
        LIMIT 1
        """;

    public async Task<(AnnotationQueueView? Queue, IReadOnlyList<FieldError> Errors)> CreateAsync(
        string projectId,
        AnnotationQueueDraft draft,
        TraceFilter filter,
        string filterText,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add(new FieldError("name", "'name' is required, at most 200 characters."));
        }

        if (draft.SampleSize is { } size && size is < 1 or > MaxItems)
        {
            errors.Add(new FieldError("sampleSize", $"'sampleSize' must be from 1 to {MaxItems}."));
        }

        var reviews = draft.ReviewsPerItem ?? 1;
        if (reviews is < 1 or > MaxReviewsPerItem)
        {
            errors.Add(new FieldError("reviewsPerItem", $"'reviewsPerItem' must be from 1 to {MaxReviewsPerItem}."));
        }

        var leaseSeconds = draft.LeaseSeconds ?? 300;
        if (leaseSeconds is < 1 or > 86_400)
        {
            errors.Add(new FieldError("leaseSeconds", "'leaseSeconds' must be from 1 to 86400."));
        }

        var configs = CheckConfigs(draft.ScoreConfigs, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var traceIds = await PickTracesAsync(projectId, filter, draft.SampleSize, cancellationToken);
        if (traceIds.Count == 0)
        {
            return (null, [new FieldError("filter", "No trace matches the filter: the queue would be empty.")]);
        }

        var queue = new AnnotationQueue
        {
            Id = Guid.NewGuid().ToString("N"),
            ProjectId = projectId,
            Name = name!,
            Filter = filterText,
            SampleSize = draft.SampleSize,
            ReviewsPerItem = reviews,
            LeaseSeconds = leaseSeconds,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AnnotationQueues.Add(queue);
        for (var i = 0; i < configs.Count; i++)
        {
            var c = configs[i];
            db.ScoreConfigs.Add(new ScoreConfig
            {
                QueueId = queue.Id,
                Name = c.Name,
                Kind = c.Kind,
                Labels = c.Labels.Count == 0 ? null : string.Join('|', c.Labels),
                Min = c.Min,
                Max = c.Max,
                Position = i,
            });
        }

        for (var i = 0; i < traceIds.Count; i++)
        {
            db.AnnotationItems.Add(new AnnotationItem { QueueId = queue.Id, TraceId = traceIds[i], Position = i });
        }

        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(projectId, queue.Id, cancellationToken), []);
    }

    public async Task<IReadOnlyList<AnnotationQueueView>> ListAsync(
        string projectId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.AnnotationQueues.AsNoTracking()
            .Where(q => q.ProjectId == projectId)
            .OrderByDescending(q => q.CreatedAt)
            .Select(q => q.Id)
            .ToListAsync(cancellationToken);
        var views = new List<AnnotationQueueView>();
        foreach (var id in ids)
        {
            views.Add((await ViewAsync(db, projectId, id, cancellationToken))!);
        }

        return views;
    }

    public async Task<AnnotationQueueView?> GetAsync(
        string projectId,
        string queueId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ViewAsync(db, projectId, queueId, cancellationToken);
    }

    /// <summary>
    /// The reviewer's current item: the one they hold under an unexpired lease, else the next open item, leased to
    /// them for the queue's lease time. Null when nothing is left for them.
    /// </summary>
    public async Task<AnnotationItemView?> NextAsync(
        string projectId,
        string queueId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var queue = await QueueAsync(db, projectId, queueId, cancellationToken);
        if (queue is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var expires = now.AddSeconds(queue.LeaseSeconds);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();

        // Immediate: the write lock is taken before the read, so two reviewers asking at once are served in turn.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var held = await db.AnnotationLeases
            .Where(l => l.Reviewer == reviewer.Id && l.State == AnnotationLeaseStates.Leased && l.ExpiresAt > now)
            .Join(db.AnnotationItems.Where(i => i.QueueId == queueId), l => l.ItemId, i => i.Id, (l, i) => l)
            .FirstOrDefaultAsync(cancellationToken);
        long itemId;
        if (held is not null)
        {
            held.ExpiresAt = expires;
            itemId = held.ItemId;
        }
        else
        {
            await using var next = connection.CreateCommand();
            next.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
            next.CommandText = NextItem;
            next.Parameters.AddWithValue("$queue", queueId);
            next.Parameters.AddWithValue("$reviewer", reviewer.Id);
            next.Parameters.AddWithValue("$now", StoreTime.ToStore(now));
            next.Parameters.AddWithValue("$needed", queue.ReviewsPerItem);
            if (await next.ExecuteScalarAsync(cancellationToken) is not long found)
            {
                return null;
            }

            itemId = found;
            var lease = await db.AnnotationLeases
                .FirstOrDefaultAsync(l => l.ItemId == itemId && l.Reviewer == reviewer.Id, cancellationToken);
            if (lease is null)
            {
                db.AnnotationLeases.Add(new AnnotationLease
                {
                    ItemId = itemId,
                    Reviewer = reviewer.Id,
                    ReviewerName = reviewer.Name,
                    State = AnnotationLeaseStates.Leased,
                    ExpiresAt = expires,
                });
            }
            else
            {
                lease.ExpiresAt = expires;
                lease.ReviewerName = reviewer.Name;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ItemViewAsync(db, projectId, queueId, itemId, reviewer, cancellationToken);
    }

    /// <summary>An item the reviewer labelled or holds (to go back to it); null otherwise.</summary>
    public async Task<AnnotationItemView?> GetItemAsync(
        string projectId,
        string queueId,
        long itemId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await QueueAsync(db, projectId, queueId, cancellationToken) is null
            || !await db.AnnotationLeases.AnyAsync(
                l => l.ItemId == itemId && l.Reviewer == reviewer.Id,
                cancellationToken))
        {
            return null;
        }

        return await ItemViewAsync(db, projectId, queueId, itemId, reviewer, cancellationToken);
    }

    /// <summary>The items the reviewer labelled, in the order they labelled them (for "back").</summary>
    public async Task<IReadOnlyList<long>> LabelledItemsAsync(
        string queueId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var done = await db.AnnotationLeases.AsNoTracking()
            .Where(l => l.Reviewer == reviewer.Id && l.State == AnnotationLeaseStates.Done)
            .Join(db.AnnotationItems.Where(i => i.QueueId == queueId), l => l.ItemId, i => i.Id, (l, i) => l)
            .Select(l => new { l.ItemId, l.CompletedAt, l.Id })
            .ToListAsync(cancellationToken);
        return [.. done.OrderBy(l => l.CompletedAt).ThenBy(l => l.Id).Select(l => l.ItemId)];
    }

    public async Task<ReviewerProgress?> ProgressAsync(
        string projectId,
        string queueId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await ViewAsync(db, projectId, queueId, cancellationToken) is not { } view)
        {
            return null;
        }

        var mine = await db.AnnotationLeases.AsNoTracking()
            .Where(l => l.Reviewer == reviewer.Id)
            .Join(db.AnnotationItems.Where(i => i.QueueId == queueId), l => l.ItemId, i => i.Id, (l, i) => l.State)
            .ToListAsync(cancellationToken);
        return new ReviewerProgress(
            mine.Count(s => s == AnnotationLeaseStates.Done),
            mine.Count(s => s == AnnotationLeaseStates.Skipped),
            view.Items,
            view.CompletedItems);
    }

    /// <summary>Gives the item up for this reviewer: it is not handed to them again, and others may take it.</summary>
    public async Task<bool> SkipAsync(
        string projectId,
        string queueId,
        long itemId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await QueueAsync(db, projectId, queueId, cancellationToken) is null)
        {
            return false;
        }

        var lease = await db.AnnotationLeases
            .FirstOrDefaultAsync(l => l.ItemId == itemId && l.Reviewer == reviewer.Id, cancellationToken);
        if (lease is null || lease.State == AnnotationLeaseStates.Done)
        {
            return false;
        }

        lease.State = AnnotationLeaseStates.Skipped;
        lease.CompletedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Stores the reviewer's labels on the item as scores (source human), replacing theirs if they labelled it before.
    /// Refused when their lease ran out and others took the item in the meantime.
    /// </summary>
    public async Task<LabelResult> SubmitAsync(
        string projectId,
        string queueId,
        long itemId,
        Reviewer reviewer,
        IReadOnlyDictionary<string, string?> values,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var queue = await QueueAsync(db, projectId, queueId, cancellationToken);
        var item = queue is null
            ? null
            : await db.AnnotationItems.AsNoTracking()
                .FirstOrDefaultAsync(i => i.Id == itemId && i.QueueId == queueId, cancellationToken);
        if (queue is null || item is null)
        {
            return new LabelResult(false, [], null, NotFound: true);
        }

        var configs = await db.ScoreConfigs.AsNoTracking()
            .Where(c => c.QueueId == queueId)
            .OrderBy(c => c.Position)
            .ToListAsync(cancellationToken);
        var (scores, errors) = ReadLabels(configs, values);
        if (errors.Count > 0)
        {
            return new LabelResult(false, errors, null);
        }

        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var leases = await db.AnnotationLeases.Where(l => l.ItemId == itemId).ToListAsync(cancellationToken);
        var mine = leases.FirstOrDefault(l => l.Reviewer == reviewer.Id);
        if (mine is null || mine.State == AnnotationLeaseStates.Skipped)
        {
            return new LabelResult(
                false,
                [],
                "This item is not assigned to you: open the queue to get your next item.");
        }

        if (mine.State == AnnotationLeaseStates.Leased && mine.ExpiresAt <= now)
        {
            var takers = leases
                .Where(l => l.Reviewer != reviewer.Id
                    && (l.State == AnnotationLeaseStates.Done
                        || (l.State == AnnotationLeaseStates.Leased && l.ExpiresAt > now)))
                .ToList();
            if (takers.Count >= queue.ReviewsPerItem)
            {
                var takenBy = string.Join(", ", takers.Select(t => t.ReviewerName));
                var expired = mine.ExpiresAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
                return new LabelResult(
                    false,
                    [],
                    $"Your hold on this item ran out at {expired} and {takenBy} "
                    + "took it since; your labels were not saved. Open the next item.");
            }
        }

        // Labelling again (after going back) replaces the reviewer's earlier labels on this item.
        await db.Scores
            .Where(s => s.ProjectId == projectId && s.AnnotationItemId == itemId && s.Reviewer == reviewer.Id)
            .ExecuteDeleteAsync(cancellationToken);
        foreach (var score in scores)
        {
            score.ProjectId = projectId;
            score.TraceId = item.TraceId;
            score.Reviewer = reviewer.Id;
            score.AnnotationItemId = itemId;
            score.CreatedAt = now;
            db.Scores.Add(score);
        }

        mine.State = AnnotationLeaseStates.Done;
        mine.CompletedAt ??= now;
        mine.ReviewerName = reviewer.Name;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        scoreChanges.Publish(new ScoreChange(projectId, [item.TraceId], now));
        return LabelResult.Ok;
    }

    /// <summary>Agreement between the queue's reviewers, per score configuration (free text has none).</summary>
    public async Task<IReadOnlyList<ScoreAgreement>?> AgreementAsync(
        string projectId,
        string queueId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await ViewAsync(db, projectId, queueId, cancellationToken) is not { } queue)
        {
            return null;
        }

        var labels = await db.Scores.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.Source == ScoreSource.Human && s.AnnotationItemId != null)
            .Join(
                db.AnnotationItems.Where(i => i.QueueId == queueId),
                s => s.AnnotationItemId,
                i => (long?)i.Id,
                (s, i) => new { s.Name, Item = i.Id, s.Reviewer, s.Label, s.Value })
            .ToListAsync(cancellationToken);
        var result = new List<ScoreAgreement>();
        foreach (var config in queue.ScoreConfigs.Where(c => c.Kind != ScoreConfigKinds.Text))
        {
            var numeric = config.Kind == ScoreConfigKinds.Numeric;
            var given = labels
                .Where(l => l.Name == config.Name && l.Reviewer != null)
                .Where(l => numeric ? l.Value != null : l.Label != null)
                .Select(l => (l.Item, Reviewer: l.Reviewer!, Text: l.Label ?? string.Empty, Number: l.Value ?? 0))
                .ToList();
            var reviewers = given.Select(g => g.Reviewer).Distinct(StringComparer.Ordinal).Order().ToList();
            var byItem = given.GroupBy(g => g.Item).Where(g => g.Count() >= 2).ToList();
            double? kappa = null;
            var paired = 0;
            if (reviewers.Count == 2)
            {
                var pairs = byItem
                    .Select(g => (
                        First: g.FirstOrDefault(x => x.Reviewer == reviewers[0]),
                        Second: g.FirstOrDefault(x => x.Reviewer == reviewers[1])))
                    .Where(p => p.First.Reviewer is not null && p.Second.Reviewer is not null)
                    .ToList();
                paired = pairs.Count;
                kappa = numeric
                    ? Agreement.CohenKappa(
                        [.. pairs.Select(p => Show(p.First.Number))],
                        [.. pairs.Select(p => Show(p.Second.Number))])
                    : Agreement.CohenKappa([.. pairs.Select(p => p.First.Text)], [.. pairs.Select(p => p.Second.Text)]);
            }

            var alpha = numeric
                ? Agreement.KrippendorffAlpha<double>(
                    byItem.Select(g => (IReadOnlyList<double>)[.. g.Select(x => x.Number)]),
                    Agreement.Interval)
                : Agreement.KrippendorffAlpha<string>(
                    byItem.Select(g => (IReadOnlyList<string>)[.. g.Select(x => x.Text)]),
                    Agreement.Nominal);
            var unanimous = byItem.Count(g => g.Select(x => numeric ? Show(x.Number) : x.Text).Distinct().Count() == 1);
            result.Add(new ScoreAgreement(
                config.Name,
                config.Kind,
                reviewers.Count,
                byItem.Count,
                paired,
                kappa,
                alpha,
                byItem.Count == 0 ? null : unanimous / (double)byItem.Count));
        }

        return result;
    }

    private static List<ScoreConfigView> CheckConfigs(IReadOnlyList<ScoreConfigDraft>? drafts, List<FieldError> errors)
    {
        var configs = new List<ScoreConfigView>();
        if (drafts is null || drafts.Count == 0 || drafts.Count > MaxConfigs)
        {
            errors.Add(new FieldError("scoreConfigs", $"A queue needs 1 to {MaxConfigs} score configurations."));
            return configs;
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var d = drafts[i];
            var path = $"scoreConfigs[{i}]";
            var name = d.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > ScoreService.MaxNameLength)
            {
                errors.Add(new FieldError(
                    $"{path}.name",
                    "'name' is required: the score name labels are stored under."));
                continue;
            }

            if (configs.Any(c => c.Name == name))
            {
                errors.Add(new FieldError($"{path}.name", $"'{name}' is configured twice."));
                continue;
            }

            var kind = d.Kind?.Trim().ToLowerInvariant();
            var labels = (d.Labels ?? []).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            switch (kind)
            {
                case ScoreConfigKinds.Boolean or ScoreConfigKinds.Text:
                    configs.Add(new ScoreConfigView(name, kind, [], null, null));
                    break;
                case ScoreConfigKinds.Categorical when labels.Count is < 2 or > 9
                    || labels.Distinct(StringComparer.Ordinal).Count() != labels.Count
                    || labels.Any(l => l.Contains('|', StringComparison.Ordinal)
                        || l.Length > ScoreService.MaxLabelLength):
                    errors.Add(new FieldError(
                        $"{path}.labels",
                        "A categorical score needs 2 to 9 distinct labels (keys 1–9 pick them), without '|'."));
                    break;
                case ScoreConfigKinds.Categorical:
                    configs.Add(new ScoreConfigView(name, kind, labels, null, null));
                    break;
                case ScoreConfigKinds.Numeric when d.Min is not { } min || d.Max is not { } max
                    || !double.IsFinite(min) || !double.IsFinite(max) || min >= max:
                    errors.Add(new FieldError($"{path}.max", "A numeric score needs a finite 'min' below its 'max'."));
                    break;
                case ScoreConfigKinds.Numeric:
                    configs.Add(new ScoreConfigView(name, kind, [], d.Min, d.Max));
                    break;
                default:
                    errors.Add(new FieldError(
                        $"{path}.kind",
                        $"'kind' must be one of {string.Join(", ", ScoreConfigKinds.All)}."));
                    break;
            }
        }

        return configs;
    }

    /// <summary>The scores the values make, or each value at fault keyed by its score name.</summary>
    public static (List<Score> Scores, List<FieldError> Errors) ReadLabels(
        IReadOnlyList<ScoreConfig> configs,
        IReadOnlyDictionary<string, string?> values)
    {
        var scores = new List<Score>();
        var errors = new List<FieldError>();
        foreach (var name in values.Keys.Where(k => configs.All(c => c.Name != k)))
        {
            errors.Add(new FieldError(name, $"'{name}' is not a score of this queue."));
        }

        foreach (var config in configs)
        {
            var text = values.GetValueOrDefault(config.Name)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                if (config.Kind != ScoreConfigKinds.Text)
                {
                    errors.Add(new FieldError(config.Name, $"'{config.Name}' needs a label."));
                }

                continue;
            }

            Score Make(double? value, string? label, string? explanation = null) => new()
            {
                ProjectId = string.Empty,
                TraceId = string.Empty,
                Name = config.Name,
                Value = value,
                Label = label,
                Explanation = explanation,
                Source = ScoreSource.Human,
            };

            switch (config.Kind)
            {
                case ScoreConfigKinds.Boolean when text.ToLowerInvariant() is "true" or "yes" or "1":
                    scores.Add(Make(1, "true"));
                    break;
                case ScoreConfigKinds.Boolean when text.ToLowerInvariant() is "false" or "no" or "0":
                    scores.Add(Make(0, "false"));
                    break;
                case ScoreConfigKinds.Boolean:
                    errors.Add(new FieldError(config.Name, $"'{config.Name}' is true or false."));
                    break;
                case ScoreConfigKinds.Categorical when config.LabelList.Contains(text, StringComparer.Ordinal):
                    scores.Add(Make(null, text));
                    break;
                case ScoreConfigKinds.Categorical:
                    errors.Add(new FieldError(
                        config.Name,
                        $"'{config.Name}' is one of {string.Join(", ", config.LabelList)}."));
                    break;
                case ScoreConfigKinds.Numeric
                    when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                        && number >= config.Min && number <= config.Max:
                    scores.Add(Make(number, null));
                    break;
                case ScoreConfigKinds.Numeric:
                    errors.Add(new FieldError(
                        config.Name,
                        $"'{config.Name}' is a number from {Show(config.Min)} to {Show(config.Max)}."));
                    break;
                default:
                    scores.Add(Make(null, null, text.Length > MaxTextChars ? text[..MaxTextChars] : text));
                    break;
            }
        }

        return (scores, errors);
    }

    private static string Show(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "?";

    private async Task<List<string>> PickTracesAsync(
        string projectId,
        TraceFilter filter,
        int? sampleSize,
        CancellationToken cancellationToken)
    {
        var wanted = sampleSize is null ? MaxItems : MaxMatchesSampled;
        var ids = new List<string>();
        TraceCursor? cursor = null;
        while (ids.Count < wanted)
        {
            var page = await traces.ListAsync(
                projectId,
                filter,
                TraceSort.Default,
                cursor,
                Math.Min(TraceQueries.MaxLimit, wanted - ids.Count),
                cancellationToken);
            ids.AddRange(page.Data.Select(t => t.TraceId));
            if (page.NextCursor is null || page.Data.Count == 0)
            {
                break;
            }

            if (!TraceCursor.TryDecode(page.NextCursor, out cursor))
            {
                break;
            }
        }

        if (sampleSize is { } size)
        {
            var shuffled = ids.ToArray();
            Random.Shared.Shuffle(shuffled);
            return [.. shuffled.Take(size)];
        }

        return ids;
    }

    private static Task<AnnotationQueue?> QueueAsync(
        LlmObserveDbContext db,
        string projectId,
        string queueId,
        CancellationToken cancellationToken)
        => db.AnnotationQueues.AsNoTracking()
            .FirstOrDefaultAsync(q => q.Id == queueId && q.ProjectId == projectId, cancellationToken);

    private static async Task<AnnotationQueueView?> ViewAsync(
        LlmObserveDbContext db,
        string projectId,
        string queueId,
        CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(db, projectId, queueId, cancellationToken);
        if (queue is null)
        {
            return null;
        }

        var configs = await db.ScoreConfigs.AsNoTracking()
            .Where(c => c.QueueId == queueId)
            .OrderBy(c => c.Position)
            .ToListAsync(cancellationToken);
        var items = await db.AnnotationItems.CountAsync(i => i.QueueId == queueId, cancellationToken);
        var completed = await db.AnnotationItems
            .Where(i => i.QueueId == queueId)
            .CountAsync(
                i => db.AnnotationLeases.Count(l => l.ItemId == i.Id && l.State == AnnotationLeaseStates.Done)
                    >= queue.ReviewsPerItem,
                cancellationToken);
        return new AnnotationQueueView(
            queue.Id,
            queue.Name,
            queue.Filter,
            queue.SampleSize,
            queue.ReviewsPerItem,
            queue.LeaseSeconds,
            [.. configs.Select(c => new ScoreConfigView(c.Name, c.Kind, c.LabelList, c.Min, c.Max))],
            items,
            completed,
            queue.CreatedAt);
    }

    private static async Task<AnnotationItemView?> ItemViewAsync(
        LlmObserveDbContext db,
        string projectId,
        string queueId,
        long itemId,
        Reviewer reviewer,
        CancellationToken cancellationToken)
    {
        var item = await db.AnnotationItems.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Id == itemId && i.QueueId == queueId, cancellationToken);
        if (item is null)
        {
            return null;
        }

        var lease = await db.AnnotationLeases.AsNoTracking()
            .FirstOrDefaultAsync(l => l.ItemId == itemId && l.Reviewer == reviewer.Id, cancellationToken);
        var subject = await EvaluationSubject.ReadAsync(
            db,
            projectId,
            item.TraceId,
            EvaluatorTargets.Trace,
            cancellationToken);
        var scores = await db.Scores.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.TraceId == item.TraceId)
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var labelled = lease?.State == AnnotationLeaseStates.Done;
        var mine = scores
            .Where(s => s.AnnotationItemId == itemId && s.Reviewer == reviewer.Id)
            .ToDictionary(
                s => s.Name,
                s => s.Label ?? s.Explanation ?? s.Value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);

        // The judge's verdict stays hidden until the reviewer has labelled, so it cannot anchor their judgement.
        IReadOnlyList<EvaluatorVerdict> verdicts = labelled
            ? [.. scores
                .Where(s => s.Source is ScoreSource.Judge or ScoreSource.Offline)
                .Select(s => new EvaluatorVerdict(s.Name, s.Value, s.Label, s.Source, s.Explanation))]
            : [];
        return new AnnotationItemView(
            item.Id,
            queueId,
            item.TraceId,
            item.Position,
            subject?.Input ?? string.Empty,
            subject?.Context ?? [],
            subject?.Output ?? string.Empty,
            lease?.State == AnnotationLeaseStates.Leased ? lease.ExpiresAt : null,
            mine,
            labelled,
            verdicts);
    }
}
