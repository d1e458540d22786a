using System.Diagnostics;
using System.Text.Json;
using LlmObserve.Core.Drift.Embeddings;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Statistics;
using LlmObserve.Core.Drift.Topics;
using LlmObserve.Core.Live;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Drift.Monitors;

/// <summary>
/// Runs drift monitors: reads both windows from the stored trace features, compares each feature with its test,
/// counts what is missing, and stores the run as one point of the monitor's time series. Runs go one at a time in a
/// process (they are CPU-bound), whether the schedule or a person started them.
/// </summary>
public sealed partial class DriftMonitorRunner(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    TraceFeatureQueries featureQueries,
    LlmObserveOptions options,
    IDriftChangeNotifier notifier,
    TimeProvider timeProvider,
    ILogger<DriftMonitorRunner> logger)
{
    public const string ScheduleTrigger = "schedule";
    public const string ManualTrigger = "manual";

    /// <summary>The significance a monitor asks of the domain classifier's ROC AUC besides its threshold.</summary>
    public const double ClassifierMaxPValue = 0.05;

    private const int TextChars = 300;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private DriftMonitorOptions Settings => options.Drift.Monitors;

    /// <summary>The windows of a run at <paramref name="at"/>: the current one ends there.</summary>
    public static (DateTimeOffset RefFrom, DateTimeOffset RefTo, DateTimeOffset CurFrom, DateTimeOffset CurTo)
        Windows(DriftMonitor monitor, DateTimeOffset at)
    {
        var curFrom = at.AddMinutes(-monitor.CurrentMinutes);
        return monitor.ReferenceKind == DriftReferenceKinds.Fixed
            ? (monitor.ReferenceFrom!.Value, monitor.ReferenceTo!.Value, curFrom, at)
            : (curFrom.AddMinutes(-(monitor.ReferenceMinutes ?? DriftMonitorRules.DefaultReferenceMinutes)),
                curFrom, curFrom, at);
    }

    /// <summary>Runs every enabled monitor whose time has come, moving each to its next time first.</summary>
    /// <returns>How many ran.</returns>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        List<DriftMonitor> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.DriftMonitors
                .Where(m => m.Enabled && m.NextRunAt != null && m.NextRunAt <= now)
                .OrderBy(m => m.NextRunAt)
                .ToListAsync(cancellationToken);
            foreach (var monitor in due)
            {
                // Moved before the run, so a monitor that fails is retried on its schedule, not in a loop.
                monitor.NextRunAt = DriftMonitorService.NextRun(monitor, now);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        var ran = 0;
        foreach (var monitor in due)
        {
            try
            {
                await RunAsync(monitor.ProjectId, monitor.Id, now, ScheduleTrigger, cancellationToken);
                ran++;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                RunFailed(logger, monitor.Id, error);
            }
        }

        return ran;
    }

    /// <summary>Runs one monitor with its current window ending at <paramref name="at"/> (now when null).</summary>
    /// <returns>The stored run, or null when the project has no such monitor.</returns>
    public async Task<DriftResultView?> RunAsync(
        string projectId,
        string monitorId,
        DateTimeOffset? at,
        string trigger,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var end = at ?? timeProvider.GetUtcNow();
            return await RunLockedAsync(projectId, monitorId, end, trigger, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<DriftResultView?> RunLockedAsync(
        string projectId,
        string monitorId,
        DateTimeOffset at,
        string trigger,
        CancellationToken cancellationToken)
    {
        DriftMonitor? monitor;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            monitor = await db.DriftMonitors.AsNoTracking()
                .FirstOrDefaultAsync(m => m.ProjectId == projectId && m.Id == monitorId, cancellationToken);
        }

        if (monitor is null)
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        var (refFrom, refTo, curFrom, curTo) = Windows(monitor, at);
        var result = new DriftResult
        {
            MonitorId = monitor.Id,
            ProjectId = projectId,
            RunAt = timeProvider.GetUtcNow(),
            Trigger = trigger,
            ReferenceFrom = refFrom,
            ReferenceTo = refTo,
            CurrentFrom = curFrom,
            CurrentTo = curTo,
        };
        var featureResults = new List<DriftFeatureResult>();
        if (refTo > curFrom)
        {
            result.Error = "The reference window overlaps the current window of this run; no comparison was made.";
        }
        else
        {
            await CompareAsync(monitor, result, featureResults, cancellationToken);
        }

        result.FeaturesWithVerdict = featureResults.Count(f => f.Status == Computed);
        result.DriftedFeatures = featureResults.Count(f => f.Drifted);
        result.DurationMs = clock.Elapsed.TotalMilliseconds;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.DriftResults.Add(result);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var feature in featureResults)
            {
                feature.ResultId = result.Id;
                feature.RunAt = result.RunAt;
            }

            db.DriftFeatureResults.AddRange(featureResults);
            await db.DriftMonitors.Where(m => m.Id == monitor.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastRunAt, result.RunAt), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        RunStored(logger, monitor.Id, result.DriftedFeatures, result.FeaturesWithVerdict, result.DurationMs);
        notifier.Publish(new DriftChange(projectId, monitor.Id, result.Id, result.RunAt));
        return DriftResultQueries.ToView(result, featureResults, details: true);
    }

    private const string Computed = "computed";

    private async Task CompareAsync(
        DriftMonitor monitor,
        DriftResult result,
        List<DriftFeatureResult> output,
        CancellationToken cancellationToken)
    {
        var features = DriftMonitorService.FeaturesOf(monitor);
        var kinds = features.ToDictionary(f => f.Feature, f => DriftMonitorRules.KindOf(f.Feature)!.Value);
        var needsColumns = kinds.Values.Any(k => k is DriftFeatureKind.Numerical or DriftFeatureKind.Categorical);
        var needsVectors = kinds.Values.Any(k => k is DriftFeatureKind.Embedding or DriftFeatureKind.Topics);

        TraceFeatureWindow? refColumns = null, curColumns = null, refVectors = null, curVectors = null;
        if (needsColumns)
        {
            refColumns = await ReadAsync(monitor, result.ReferenceFrom, result.ReferenceTo, false, cancellationToken);
            curColumns = await ReadAsync(monitor, result.CurrentFrom, result.CurrentTo, false, cancellationToken);
        }

        if (needsVectors)
        {
            refVectors = await ReadAsync(monitor, result.ReferenceFrom, result.ReferenceTo, true, cancellationToken);
            curVectors = await ReadAsync(monitor, result.CurrentFrom, result.CurrentTo, true, cancellationToken);
        }

        var anyRef = (refColumns ?? refVectors)!;
        var anyCur = (curColumns ?? curVectors)!;
        result.ReferenceTraces = anyRef.Traces;
        result.CurrentTraces = anyCur.Traces;
        result.ReferenceFeatured = anyRef.Featured;
        result.CurrentFeatured = anyCur.Featured;

        foreach (var feature in features)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kind = kinds[feature.Feature];
            var row = kind switch
            {
                DriftFeatureKind.Numerical => Numerical(monitor, feature, refColumns!, curColumns!),
                DriftFeatureKind.Categorical => Categorical(monitor, feature, refColumns!, curColumns!),
                DriftFeatureKind.Embedding => Embedding(monitor, feature, refVectors!, curVectors!),
                _ => await TopicsAsync(monitor, feature, refVectors!, curVectors!, result, cancellationToken),
            };
            output.Add(row);
        }

        if (needsVectors)
        {
            var points = Settings.ProjectionPointsPerWindow;
            var projection = DriftProjections.Project(Thin(InputVectors(refVectors!), points),
                Thin(InputVectors(curVectors!), points));
            result.ProjectionJson = projection is null
                ? null
                : JsonSerializer.Serialize(projection, DriftMonitorService.Json);
        }
    }

    private Task<TraceFeatureWindow> ReadAsync(
        DriftMonitor monitor,
        DateTimeOffset from,
        DateTimeOffset to,
        bool embeddings,
        CancellationToken cancellationToken)
        => featureQueries.ReadWindowAsync(
            new TraceFeatureWindowQuery(
                monitor.ProjectId,
                from,
                to,
                MaxTraces: embeddings ? Settings.EmbeddingSamplePerWindow : Settings.MaxTracesPerWindow,
                IncludeEmbeddings: embeddings),
            cancellationToken);

    private static DriftFeatureResult Numerical(
        DriftMonitor monitor,
        DriftMonitorFeature feature,
        TraceFeatureWindow reference,
        TraceFeatureWindow current)
    {
        var r = reference.Numeric(feature.Feature).Select(v => v ?? double.NaN).ToArray();
        var c = current.Numeric(feature.Feature).Select(v => v ?? double.NaN).ToArray();
        return Guarded(monitor, feature, DriftFeatureKind.Numerical, () =>
            DriftStatTests.RunNumerical(r, c, ColumnOptions(monitor, feature)));
    }

    private static DriftFeatureResult Categorical(
        DriftMonitor monitor,
        DriftMonitorFeature feature,
        TraceFeatureWindow reference,
        TraceFeatureWindow current)
    {
        var r = reference.Categorical(feature.Feature);
        var c = current.Categorical(feature.Feature);
        return Guarded(monitor, feature, DriftFeatureKind.Categorical, () =>
            DriftStatTests.RunCategorical(r, c, ColumnOptions(monitor, feature)));
    }

    private static DriftTestOptions ColumnOptions(DriftMonitor monitor, DriftMonitorFeature feature) => new()
    {
        Test = feature.Test == DriftMonitorRules.AutoTest ? null : feature.Test,
        Threshold = feature.Threshold,
        MinimumSampleSize = monitor.MinimumSampleSize,
    };

    private DriftFeatureResult Embedding(
        DriftMonitor monitor,
        DriftMonitorFeature feature,
        TraceFeatureWindow reference,
        TraceFeatureWindow current)
    {
        var output = feature.Feature == TraceFeatureNames.OutputEmbedding;
        var r = reference.Embeddings(output);
        var c = current.Embeddings(output);
        var test = feature.Test == DriftMonitorRules.AutoTest ? DriftMonitorRules.DefaultEmbeddingTest : feature.Test;
        var embeddingOptions = new EmbeddingDriftOptions
        {
            Threshold = feature.Threshold,
            MinimumSampleSize = monitor.MinimumSampleSize,
            MaxPerWindow = test == EmbeddingDrift.MmdName
                ? Settings.MmdSamplePerWindow
                : Settings.EmbeddingSamplePerWindow,
        };
        var row = Guarded(monitor, feature, DriftFeatureKind.Embedding, () => test switch
        {
            EmbeddingDrift.MmdName => EmbeddingDrift.Mmd(r, c, embeddingOptions),
            EmbeddingDrift.CentroidEuclideanName => EmbeddingDrift.CentroidEuclidean(r, c, embeddingOptions),
            EmbeddingDrift.CentroidCosineName => EmbeddingDrift.CentroidCosine(r, c, embeddingOptions),
            _ => EmbeddingDrift.DomainClassifier(r, c, embeddingOptions),
        });
        row.ReferenceMissing = reference.Rows.Count - r.Count;
        row.CurrentMissing = current.Rows.Count - c.Count;
        if (test == EmbeddingDrift.DomainClassifierName && row.Score is { } auc)
        {
            GateClassifier(row, auc, embeddingOptions);
        }

        return row;
    }

    /// <summary>
    /// On the small hold-outs a monitor's windows give, a ROC AUC of 0.55 is often chance: with 120 and 60 held-out
    /// vectors its standard error under no drift is about 0.046, and 2 of 14 stationary runs crossed 0.55 in the
    /// scenario test. So a monitor also asks the AUC to be significant: the one-sided p-value of the Mann–Whitney
    /// normal approximation, (AUC − 0.5) / sqrt((n₁ + n₂ + 1) / (12 n₁ n₂)), must be below 0.05.
    /// </summary>
    private static void GateClassifier(DriftFeatureResult row, double auc, EmbeddingDriftOptions embeddingOptions)
    {
        static int HeldOut(int count, EmbeddingDriftOptions o)
        {
            var n = Math.Min(count, o.MaxPerWindow);
            return Math.Clamp((int)Math.Round(n * o.HoldOutShare), 1, Math.Max(1, n - 1));
        }

        double n1 = HeldOut(row.ReferenceCount, embeddingOptions), n2 = HeldOut(row.CurrentCount, embeddingOptions);
        var standardError = Math.Sqrt((n1 + n2 + 1) / (12 * n1 * n2));
        var pValue = 1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, (auc - 0.5) / standardError);
        row.PValue = pValue;
        row.Drifted = row.Drifted && pValue < ClassifierMaxPValue;
        row.Message = $"ROC AUC {auc:0.###} on {n1} + {n2} held-out vectors, p = {pValue:0.####} "
            + $"(drift needs AUC >= {row.Threshold} and p < {ClassifierMaxPValue})";
    }

    private async Task<DriftFeatureResult> TopicsAsync(
        DriftMonitor monitor,
        DriftMonitorFeature feature,
        TraceFeatureWindow reference,
        TraceFeatureWindow current,
        DriftResult result,
        CancellationToken cancellationToken)
    {
        var r = InputVectors(reference);
        var c = InputVectors(current);
        var threshold = feature.Threshold ?? new TopicShiftOptions().MinShareIncrease;
        var minimum = Math.Max(monitor.MinimumSampleSize, 3);
        var row = new DriftFeatureResult
        {
            MonitorId = monitor.Id,
            Feature = feature.Feature,
            Kind = "topics",
            TestName = DriftMonitorRules.TopicShiftTest,
            TestDisplayName = "Topic mix (new or growing topic)",
            ScoreKind = "distance",
            Threshold = threshold,
            Status = Computed,
            ReferenceCount = r.Count,
            CurrentCount = c.Count,
            ReferenceMissing = reference.Rows.Count - r.Count,
            CurrentMissing = current.Rows.Count - c.Count,
        };
        if (r.Count < minimum || c.Count < minimum)
        {
            row.Status = "not_enough_data";
            row.Message = $"not enough data (n = {r.Count} reference, {c.Count} current; at least {minimum} needed "
                + "in each)";
            return row;
        }

        var texts = await InputTextsAsync(monitor.ProjectId, r.Select(p => p.TraceId), cancellationToken);
        var model = TopicModel.Fit(
            [.. r.Select(p => p.Vector)],
            [.. r.Select(p => texts.GetValueOrDefault(p.TraceId) ?? string.Empty)],
            new TopicModelOptions { K = monitor.TopicCount });
        var shift = TopicShift.Compare(
            model,
            [.. r.Select(p => p.Vector)],
            [.. c.Select(p => p.Vector)],
            new TopicShiftOptions { MinShareIncrease = threshold });
        var shares = shift.Topics.Append(shift.Unassigned).ToList();
        var exampleIds = shares.SelectMany(s => s.CurrentExamples).Select(i => c[i].TraceId).Distinct().ToList();
        var exampleTexts = await InputTextsAsync(monitor.ProjectId, exampleIds, cancellationToken);
        var report = new DriftTopicReport(
            [
                .. shares.Select(s => new DriftTopicShare(
                    s.TopicId,
                    s.Label,
                    s.TopicId == TopicModel.Unassigned ? [] : model.Topics[s.TopicId].Keywords,
                    s.ReferenceCount,
                    s.CurrentCount,
                    s.ReferenceShare,
                    s.CurrentShare,
                    s.PValue,
                    s.Flag.ToString().ToLowerInvariant(),
                    [
                        .. s.CurrentExamples.Select(i => new DriftTopicExample(
                            c[i].TraceId,
                            exampleTexts.GetValueOrDefault(c[i].TraceId))),
                    ])),
            ],
            shift.ReferenceCount,
            shift.CurrentCount);
        result.TopicsJson = JsonSerializer.Serialize(report, DriftMonitorService.Json);

        var flagged = shares.Where(s => s.Flag != TopicFlag.None).ToList();
        row.Score = shares.Max(s => s.CurrentShare - s.ReferenceShare);
        row.PValue = (flagged.Count > 0 ? flagged : shares).Min(s => s.PValue);
        row.Statistic = flagged.Count;
        row.Drifted = shift.Drifted;
        row.Message = $"{model.Topics.Count} topics fitted on the reference; {flagged.Count} new or growing";
        row.DistributionJson = JsonSerializer.Serialize(
            new DriftDistribution(
                null,
                [.. shares.Select(s => s.Label)],
                [.. shares.Select(s => (long)s.ReferenceCount)],
                [.. shares.Select(s => (long)s.CurrentCount)]),
            DriftMonitorService.Json);
        return row;
    }

    private static List<(string TraceId, float[] Vector)> InputVectors(TraceFeatureWindow window)
        => [.. window.Rows.Where(r => r.InputEmbedding is not null).Select(r => (r.TraceId, r.InputEmbedding!))];

    private static List<T> Thin<T>(List<T> items, int cap)
    {
        if (items.Count <= cap)
        {
            return items;
        }

        var stride = items.Count / (double)cap;
        return [.. Enumerable.Range(0, cap).Select(i => items[(int)(i * stride)])];
    }

    private async Task<Dictionary<string, string>> InputTextsAsync(
        string projectId,
        IEnumerable<string> traceIds,
        CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in traceIds.Chunk(500))
        {
            var rows = await db.Traces.AsNoTracking()
                .Where(t => t.ProjectId == projectId && chunk.Contains(t.TraceId))
                .Select(t => new { t.TraceId, Text = t.InputText != null ? t.InputText.Substring(0, TextChars) : null })
                .ToListAsync(cancellationToken);
            foreach (var row in rows.Where(r => r.Text is not null))
            {
                texts[row.TraceId] = row.Text!;
            }
        }

        return texts;
    }

    private static DriftFeatureResult Guarded(
        DriftMonitor monitor,
        DriftMonitorFeature feature,
        DriftFeatureKind kind,
        Func<DriftTestResult> run)
    {
        try
        {
            return FromTest(monitor.Id, feature.Feature, kind, run());
        }
        catch (ArgumentException error)
        {
            // A named test whose preconditions these windows do not meet (e.g. Fisher's needs equal sizes).
            return new DriftFeatureResult
            {
                MonitorId = monitor.Id,
                Feature = feature.Feature,
                Kind = KindName(kind),
                TestName = feature.Test,
                TestDisplayName = feature.Test,
                ScoreKind = "p_value",
                Threshold = feature.Threshold ?? 0,
                Status = "failed",
                Message = error.Message,
            };
        }
    }

    private static DriftFeatureResult FromTest(
        string monitorId,
        string feature,
        DriftFeatureKind kind,
        DriftTestResult test)
        => new()
        {
            MonitorId = monitorId,
            Feature = feature,
            Kind = KindName(kind),
            TestName = test.TestName,
            TestDisplayName = test.DisplayName,
            ScoreKind = test.ScoreKind == DriftScoreKind.PValue ? "p_value" : "distance",
            Score = Finite(test.Score),
            PValue = test.ScoreKind == DriftScoreKind.PValue ? Finite(test.Score) : null,
            Statistic = Finite(test.Statistic),
            Threshold = test.Threshold,
            Drifted = test.Drifted,
            Status = test.Status == DriftStatus.Computed ? Computed : "not_enough_data",
            Message = test.Message ?? test.ChoiceReason,
            ReferenceCount = test.ReferenceCount,
            CurrentCount = test.CurrentCount,
            ReferenceMissing = test.ReferenceMissing,
            CurrentMissing = test.CurrentMissing,
            SampledPerWindow = test.SampledPerWindow,
            DistributionJson = test.Distribution is null
                ? null
                : JsonSerializer.Serialize(test.Distribution, DriftMonitorService.Json),
        };

    private static string KindName(DriftFeatureKind kind) => kind.ToString().ToLowerInvariant();

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    [LoggerMessage(
        EventId = 6201,
        Level = LogLevel.Error,
        Message = "Drift monitor {MonitorId} failed; it runs again on its schedule")]
    private static partial void RunFailed(ILogger logger, string monitorId, Exception error);

    [LoggerMessage(
        EventId = 6202,
        Level = LogLevel.Information,
        Message = "Drift monitor {MonitorId}: {Drifted} of {Verdicts} features drifted ({DurationMs:0} ms)")]
    private static partial void RunStored(
        ILogger logger,
        string monitorId,
        int drifted,
        int verdicts,
        double durationMs);
}
