using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace LlmObserve.Core.Drift.Monitors;

/// <summary>
/// Creates, changes, lists and deletes drift monitors. A save is refused with every reason at once, each naming its
/// field: windows that overlap or are empty, unknown features or tests, thresholds out of their test's range, a
/// minimum sample below 1, a schedule that is missing, doubled or not a valid cron expression.
/// </summary>
public sealed class DriftMonitorService(IDbContextFactory<LlmObserveDbContext> dbFactory, TimeProvider timeProvider)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task<IReadOnlyList<DriftMonitorView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var monitors = await db.DriftMonitors.AsNoTracking()
            .Where(m => m.ProjectId == projectId)
            .OrderBy(m => m.Name)
            .ToListAsync(cancellationToken);
        var views = new List<DriftMonitorView>(monitors.Count);
        foreach (var monitor in monitors)
        {
            views.Add(await ViewAsync(db, monitor, cancellationToken));
        }

        return views;
    }

    public async Task<DriftMonitorView?> GetAsync(string projectId, string id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var monitor = await db.DriftMonitors.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ProjectId == projectId && m.Id == id, cancellationToken);
        return monitor is null ? null : await ViewAsync(db, monitor, cancellationToken);
    }

    public async Task<DriftMonitorSaveResult> CreateAsync(
        string projectId,
        DriftMonitorDraft draft,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var monitor = new DriftMonitor
        {
            Id = "dm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            ProjectId = projectId,
            Name = string.Empty,
            FeaturesJson = "[]",
            ReferenceKind = DriftReferenceKinds.Rolling,
            CreatedAt = now,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var errors = await ApplyAsync(db, monitor, draft, now, isNew: true, cancellationToken);
        if (errors.Count > 0)
        {
            return new DriftMonitorSaveResult(null, errors);
        }

        db.DriftMonitors.Add(monitor);
        await db.SaveChangesAsync(cancellationToken);
        return new DriftMonitorSaveResult(await ViewAsync(db, monitor, cancellationToken), []);
    }

    public async Task<DriftMonitorSaveResult> UpdateAsync(
        string projectId,
        string id,
        DriftMonitorDraft draft,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var monitor = await db.DriftMonitors
            .FirstOrDefaultAsync(m => m.ProjectId == projectId && m.Id == id, cancellationToken);
        if (monitor is null)
        {
            return new DriftMonitorSaveResult(null, [], NotFound: true);
        }

        var errors = await ApplyAsync(db, monitor, draft, timeProvider.GetUtcNow(), isNew: false, cancellationToken);
        if (errors.Count > 0)
        {
            return new DriftMonitorSaveResult(null, errors);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new DriftMonitorSaveResult(await ViewAsync(db, monitor, cancellationToken), []);
    }

    /// <summary>Deletes a monitor with its results; false when there is no such monitor.</summary>
    public async Task<bool> DeleteAsync(string projectId, string id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DriftMonitors.Where(m => m.ProjectId == projectId && m.Id == id)
            .ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The features of a stored monitor.</summary>
    public static IReadOnlyList<DriftMonitorFeature> FeaturesOf(DriftMonitor monitor)
        => JsonSerializer.Deserialize<List<DriftMonitorFeature>>(monitor.FeaturesJson, Json) ?? [];

    /// <summary>The next run after <paramref name="after"/> by the monitor's cron expression or interval.</summary>
    public static DateTimeOffset? NextRun(DriftMonitor monitor, DateTimeOffset after)
    {
        if (!monitor.Enabled)
        {
            return null;
        }

        if (monitor.Cron is { } cron)
        {
            var expression = new CronExpression(cron, TimeZoneInfo.Utc);
            return expression.GetNextValidTimeAfter(after);
        }

        return after.AddMinutes(monitor.IntervalMinutes ?? DriftMonitorRules.DefaultIntervalMinutes);
    }

    /// <summary>Checks the draft against every rule and, when it passes, copies it onto the monitor.</summary>
    internal async Task<List<FieldError>> ApplyAsync(
        LlmObserveDbContext db,
        DriftMonitor monitor,
        DriftMonitorDraft draft,
        DateTimeOffset now,
        bool isNew,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new FieldError("name", "A name is required."));
        }
        else if (name.Length > DriftMonitorRules.MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(new FieldError(
                "name",
                $"The name must be at most {DriftMonitorRules.MaxNameLength} printable characters."));
        }
        else if (await db.DriftMonitors.AsNoTracking()
                     .AnyAsync(
                         m => m.ProjectId == monitor.ProjectId && m.Id != monitor.Id && m.Name == name,
                         cancellationToken))
        {
            errors.Add(new FieldError("name", $"A monitor named '{name}' already exists in this project."));
        }

        var features = CheckFeatures(draft.Features, errors);
        var currentMinutes = draft.CurrentMinutes ?? DriftMonitorRules.DefaultCurrentMinutes;
        if (currentMinutes is < 1 or > DriftMonitorRules.MaxWindowMinutes)
        {
            errors.Add(new FieldError(
                "currentMinutes",
                $"The current window is empty or too long: give 1 to {DriftMonitorRules.MaxWindowMinutes} minutes "
                + $"(got {currentMinutes})."));
        }

        var kind = (draft.ReferenceKind ?? DriftReferenceKinds.Rolling).Trim().ToLowerInvariant();
        int? referenceMinutes = null;
        if (kind == DriftReferenceKinds.Rolling)
        {
            referenceMinutes = draft.ReferenceMinutes ?? DriftMonitorRules.DefaultReferenceMinutes;
            if (referenceMinutes is < 1 or > DriftMonitorRules.MaxWindowMinutes)
            {
                errors.Add(new FieldError(
                    "referenceMinutes",
                    "The rolling reference window is empty or too long: give 1 to "
                    + $"{DriftMonitorRules.MaxWindowMinutes} minutes (got {referenceMinutes})."));
            }

            if (draft.ReferenceFrom is not null || draft.ReferenceTo is not null)
            {
                errors.Add(new FieldError(
                    draft.ReferenceFrom is not null ? "referenceFrom" : "referenceTo",
                    "A rolling reference window ends where the current one starts; referenceFrom and referenceTo "
                    + "belong to a fixed reference (referenceKind \"fixed\")."));
            }
        }
        else if (kind == DriftReferenceKinds.Fixed)
        {
            CheckFixed(draft, currentMinutes, now, errors);
        }
        else
        {
            errors.Add(new FieldError(
                "referenceKind",
                $"Unknown reference kind '{draft.ReferenceKind}': use \"rolling\" or \"fixed\"."));
        }

        var cron = string.IsNullOrWhiteSpace(draft.Cron) ? null : draft.Cron.Trim();
        if (cron is not null && draft.IntervalMinutes is not null)
        {
            errors.Add(new FieldError("cron", "Give either cron or intervalMinutes, not both."));
        }
        else if (cron is not null && !IsValidCron(cron))
        {
            errors.Add(new FieldError(
                "cron",
                $"'{cron}' is not a Quartz cron expression (seconds first, e.g. \"0 0 * * * ?\" for every hour)."));
        }

        var interval = cron is null ? draft.IntervalMinutes ?? DriftMonitorRules.DefaultIntervalMinutes : (int?)null;
        if (interval is < 1 or > DriftMonitorRules.MaxIntervalMinutes)
        {
            errors.Add(new FieldError(
                "intervalMinutes",
                $"The interval must be 1 to {DriftMonitorRules.MaxIntervalMinutes} minutes (got {interval})."));
        }

        var minimum = draft.MinimumSampleSize ?? DriftMonitorRules.DefaultMinimumSampleSize;
        if (minimum < 1)
        {
            errors.Add(new FieldError(
                "minimumSampleSize",
                $"The minimum sample size must be at least 1 (got {minimum})."));
        }

        if (draft.TopicCount is { } topics && topics is < DriftMonitorRules.MinTopics or > DriftMonitorRules.MaxTopics)
        {
            errors.Add(new FieldError(
                "topicCount",
                $"The number of topics must be {DriftMonitorRules.MinTopics} to {DriftMonitorRules.MaxTopics}, "
                + $"or left out to choose it from the data (got {topics})."));
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var enabled = draft.Enabled ?? true;
        var scheduleChanged = isNew || monitor.Cron != cron || monitor.IntervalMinutes != interval
            || monitor.Enabled != enabled;
        monitor.Name = name!;
        monitor.FeaturesJson = JsonSerializer.Serialize(features, Json);
        monitor.ReferenceKind = kind;
        monitor.ReferenceMinutes = referenceMinutes;
        monitor.ReferenceFrom = kind == DriftReferenceKinds.Fixed ? draft.ReferenceFrom!.Value.ToUniversalTime() : null;
        monitor.ReferenceTo = kind == DriftReferenceKinds.Fixed ? draft.ReferenceTo!.Value.ToUniversalTime() : null;
        monitor.CurrentMinutes = currentMinutes;
        monitor.Cron = cron;
        monitor.IntervalMinutes = interval;
        monitor.MinimumSampleSize = minimum;
        monitor.TopicCount = draft.TopicCount;
        monitor.Enabled = enabled;
        monitor.UpdatedAt = now;
        if (scheduleChanged)
        {
            // A new or rescheduled monitor runs at the next poll of the job, then on its schedule.
            monitor.NextRunAt = enabled ? now : null;
        }

        return errors;
    }

    private static void CheckFixed(
        DriftMonitorDraft draft,
        int currentMinutes,
        DateTimeOffset now,
        List<FieldError> errors)
    {
        if (draft.ReferenceFrom is not { } from || draft.ReferenceTo is not { } to)
        {
            errors.Add(new FieldError(
                draft.ReferenceFrom is null ? "referenceFrom" : "referenceTo",
                "A fixed reference window needs both referenceFrom and referenceTo (ISO-8601)."));
            return;
        }

        if (to <= from)
        {
            errors.Add(new FieldError(
                "referenceTo",
                $"The reference window is empty: referenceTo ({Iso(to)}) must come after referenceFrom "
                + $"({Iso(from)})."));
            return;
        }

        if (draft.ReferenceMinutes is not null)
        {
            errors.Add(new FieldError(
                "referenceMinutes",
                "referenceMinutes sets a rolling reference; a fixed one is given by referenceFrom and referenceTo."));
        }

        var currentFrom = now.AddMinutes(-currentMinutes);
        if (to > currentFrom)
        {
            errors.Add(new FieldError(
                "referenceTo",
                $"The reference window overlaps the current window (the last {currentMinutes} minutes, from "
                + $"{Iso(currentFrom)}): referenceTo must be at or before that."));
        }
    }

    private static List<DriftMonitorFeature> CheckFeatures(
        IReadOnlyList<DriftMonitorFeatureDraft?>? drafts,
        List<FieldError> errors)
    {
        var features = new List<DriftMonitorFeature>();
        if (drafts is null || drafts.Count == 0)
        {
            errors.Add(new FieldError(
                "features",
                "Name at least one feature: " + string.Join(", ", DriftMonitorRules.Features) + "."));
            return features;
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var field = $"features[{i}]";
            var draft = drafts[i];
            var name = draft?.Feature?.Trim().ToLowerInvariant();
            if (draft is null || string.IsNullOrEmpty(name))
            {
                errors.Add(new FieldError(field + ".feature", "Each entry needs a feature name."));
                continue;
            }

            if (DriftMonitorRules.KindOf(name) is not { } kind)
            {
                errors.Add(new FieldError(
                    field + ".feature",
                    $"Unknown feature '{draft.Feature}'. Known features: "
                    + $"{string.Join(", ", DriftMonitorRules.Features)}."));
                continue;
            }

            if (features.Any(f => f.Feature == name))
            {
                errors.Add(new FieldError(field + ".feature", $"The feature '{name}' is listed twice."));
                continue;
            }

            var test = string.IsNullOrWhiteSpace(draft.Test) ? DriftMonitorRules.AutoTest : draft.Test.Trim();
            if (!string.Equals(test, DriftMonitorRules.AutoTest, StringComparison.OrdinalIgnoreCase))
            {
                var canonical = DriftMonitorRules.Canonical(kind, test);
                if (canonical is null)
                {
                    errors.Add(new FieldError(
                        field + ".test",
                        $"The test '{test}' does not exist or does not apply to '{name}'. Use auto or one of: "
                        + string.Join(", ", DriftMonitorRules.TestsFor(kind)) + "."));
                    continue;
                }

                test = canonical;
            }
            else
            {
                test = DriftMonitorRules.AutoTest;
            }

            if (draft.Threshold is { } threshold && CheckThreshold(kind, name, test, threshold) is { } message)
            {
                errors.Add(new FieldError(field + ".threshold", message));
                continue;
            }

            features.Add(new DriftMonitorFeature(name, test, draft.Threshold));
        }

        return features;
    }

    private static string? CheckThreshold(DriftFeatureKind kind, string feature, string test, double threshold)
    {
        var effective = test;
        if (test == DriftMonitorRules.AutoTest)
        {
            if (kind is DriftFeatureKind.Numerical or DriftFeatureKind.Categorical)
            {
                return $"'{feature}' uses the automatic test, which may be a p-value or a distance depending on the "
                    + "data: name a test to set a threshold.";
            }

            effective = kind == DriftFeatureKind.Embedding
                ? DriftMonitorRules.DefaultEmbeddingTest
                : DriftMonitorRules.TopicShiftTest;
        }

        var (low, lowIn, high, highIn) = DriftMonitorRules.ThresholdRange(effective);
        var ok = double.IsFinite(threshold)
            && (lowIn ? threshold >= low : threshold > low)
            && (highIn ? threshold <= high : threshold < high);
        if (ok)
        {
            return null;
        }

        var range = double.IsPositiveInfinity(high)
            ? $"above {low.ToString(CultureInfo.InvariantCulture)}"
            : $"in {(lowIn ? "[" : "(")}{low.ToString(CultureInfo.InvariantCulture)}, "
                + $"{high.ToString(CultureInfo.InvariantCulture)}{(highIn ? "]" : ")")}";
        return $"The threshold of {effective} must lie {range} (got "
            + $"{threshold.ToString(CultureInfo.InvariantCulture)}).";
    }

    private static bool IsValidCron(string cron)
    {
        try
        {
            var expression = new CronExpression(cron, TimeZoneInfo.Utc);
            return expression.GetNextValidTimeAfter(DateTimeOffset.UnixEpoch) is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Iso(DateTimeOffset value)
        => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<DriftMonitorView> ViewAsync(
        LlmObserveDbContext db,
        DriftMonitor monitor,
        CancellationToken cancellationToken)
    {
        var last = await db.DriftResults.AsNoTracking()
            .Where(r => r.MonitorId == monitor.Id)
            .OrderByDescending(r => r.Id)
            .Select(r => (int?)r.DriftedFeatures)
            .FirstOrDefaultAsync(cancellationToken);
        return new DriftMonitorView(
            monitor.Id,
            monitor.Name,
            FeaturesOf(monitor),
            monitor.ReferenceKind,
            monitor.ReferenceFrom,
            monitor.ReferenceTo,
            monitor.ReferenceMinutes,
            monitor.CurrentMinutes,
            monitor.Cron,
            monitor.IntervalMinutes,
            monitor.MinimumSampleSize,
            monitor.TopicCount,
            monitor.Enabled,
            monitor.NextRunAt,
            monitor.LastRunAt,
            last,
            monitor.CreatedAt,
            monitor.UpdatedAt);
    }
}
