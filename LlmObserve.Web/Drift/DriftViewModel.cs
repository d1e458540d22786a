using System.Globalization;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation;
using LlmObserve.Web.Audit;

namespace LlmObserve.Web.Drift;

/// <summary>One series of a drift chart: a line, dashed line, markers or bars.</summary>
public sealed record DriftSeries(
    string Name,
    DriftSeriesKind Kind,
    IReadOnlyList<object> X,
    IReadOnlyList<double?> Y,
    IReadOnlyList<string>? Text = null);

public enum DriftSeriesKind
{
    Line,
    DashedLine,
    Markers,
    Bars,
}

/// <summary>A chart of the Drift page, drawn by <c>DriftChart</c>.</summary>
public sealed record DriftChartSpec(
    string Id,
    string Title,
    string XTitle,
    string YTitle,
    IReadOnlyList<DriftSeries> Series);

/// <summary>A row of "what changed": a drifted (or nearly drifted) feature, with how far past its threshold.</summary>
public sealed record DriftChangeRow(
    string Feature,
    string Test,
    string Verdict,
    double Severity,
    bool Drifted,
    string Detail);

/// <summary>The fields of the monitor form, as typed.</summary>
public sealed class DriftMonitorForm
{
    public string? Id { get; set; }

    public string Name { get; set; } = string.Empty;

    /// <summary>Comma-separated features, each with its test if wanted: <c>output_tokens:ks, tone</c>.</summary>
    public string Features { get; set; } = "input_embedding, input_topics, input_tokens, output_tokens";

    public string ReferenceKind { get; set; } = DriftReferenceKinds.Rolling;

    public int? ReferenceMinutes { get; set; } = DriftMonitorRules.DefaultReferenceMinutes;

    public DateTime? ReferenceFrom { get; set; }

    public DateTime? ReferenceTo { get; set; }

    public int? CurrentMinutes { get; set; } = DriftMonitorRules.DefaultCurrentMinutes;

    public string? Cron { get; set; }

    public int? IntervalMinutes { get; set; } = DriftMonitorRules.DefaultIntervalMinutes;

    public int? MinimumSampleSize { get; set; } = DriftMonitorRules.DefaultMinimumSampleSize;

    public bool Enabled { get; set; } = true;

    public DriftMonitorDraft ToDraft(TimeZoneInfo zone)
    {
        var features = Features.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split(':', 2, StringSplitOptions.TrimEntries))
            .Select(parts => new DriftMonitorFeatureDraft(parts[0], parts.Length > 1 ? parts[1] : null))
            .ToList();
        var isFixed = ReferenceKind == DriftReferenceKinds.Fixed;
        return new DriftMonitorDraft
        {
            Name = Name,
            Features = features,
            ReferenceKind = ReferenceKind,
            ReferenceMinutes = isFixed ? null : ReferenceMinutes,
            ReferenceFrom = isFixed ? FromZone(ReferenceFrom, zone) : null,
            ReferenceTo = isFixed ? FromZone(ReferenceTo, zone) : null,
            CurrentMinutes = CurrentMinutes,
            Cron = string.IsNullOrWhiteSpace(Cron) ? null : Cron,
            IntervalMinutes = string.IsNullOrWhiteSpace(Cron) ? IntervalMinutes : null,
            MinimumSampleSize = MinimumSampleSize,
            Enabled = Enabled,
        };
    }

    public static DriftMonitorForm From(DriftMonitorView view, TimeZoneInfo zone) => new()
    {
        Id = view.Id,
        Name = view.Name,
        Features = string.Join(", ", view.Features.Select(f =>
            f.Test == DriftMonitorRules.AutoTest ? f.Feature : $"{f.Feature}:{f.Test}")),
        ReferenceKind = view.ReferenceKind,
        ReferenceMinutes = view.ReferenceMinutes,
        ReferenceFrom = view.ReferenceFrom is { } from ? TimeZoneInfo.ConvertTime(from, zone).DateTime : null,
        ReferenceTo = view.ReferenceTo is { } to ? TimeZoneInfo.ConvertTime(to, zone).DateTime : null,
        CurrentMinutes = view.CurrentMinutes,
        Cron = view.Cron,
        IntervalMinutes = view.IntervalMinutes,
        MinimumSampleSize = view.MinimumSampleSize,
        Enabled = view.Enabled,
    };

    private static DateTimeOffset? FromZone(DateTime? local, TimeZoneInfo zone)
        => local is { } value
            ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Unspecified), zone.GetUtcOffset(value))
            : null;
}

/// <summary>
/// The Drift page as it shows: the project's monitors, and for the selected one its runs as charts (score per
/// feature over time with the threshold, the latest histograms or category bars, the embedding projection, topic
/// shares over time) and the "what changed" list.
/// </summary>
public sealed class DriftViewModel(
    DriftMonitorService monitors,
    DriftResultQueries results,
    DriftMonitorRunner runner,
    AuditActor actor)
{
    /// <summary>Runs drawn on the time charts.</summary>
    public const int SeriesRuns = 50;

    public IReadOnlyList<DriftMonitorView> Monitors { get; private set; } = [];

    public DriftMonitorView? Selected { get; private set; }

    public IReadOnlyList<DriftResultView> Runs { get; private set; } = [];

    public DriftResultView? Latest => Runs.Count > 0 ? Runs[^1] : null;

    public IReadOnlyList<DriftChartSpec> ScoreCharts { get; private set; } = [];

    public IReadOnlyList<DriftChartSpec> DistributionCharts { get; private set; } = [];

    public DriftChartSpec? Projection { get; private set; }

    public DriftChartSpec? TopicShares { get; private set; }

    public IReadOnlyList<DriftChangeRow> Changes { get; private set; } = [];

    public IReadOnlyList<DriftTopicShare> FlaggedTopics { get; private set; } = [];

    /// <summary>Bumped on every load, so charts know to redraw.</summary>
    public int Version { get; private set; }

    public async Task LoadAsync(
        string projectId,
        string? monitorId,
        TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        Monitors = await monitors.ListAsync(projectId, cancellationToken);
        Selected = Monitors.FirstOrDefault(m => m.Id == monitorId) ?? (Monitors.Count > 0 ? Monitors[0] : null);
        Runs = Selected is null
            ? []
            : await results.ListAsync(projectId, Selected.Id, null, null, SeriesRuns, true, cancellationToken) ?? [];
        Build(zone);
        Version++;
    }

    public async Task<DriftMonitorSaveResult> SaveAsync(
        string projectId,
        DriftMonitorForm form,
        TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        var result = form.Id is null
            ? await monitors.CreateAsync(projectId, form.ToDraft(zone), cancellationToken)
            : await monitors.UpdateAsync(projectId, form.Id, form.ToDraft(zone), cancellationToken);
        if (result.Monitor is { } saved)
        {
            await actor.RecordAsync(
                projectId,
                form.Id is null ? AuditActions.DriftMonitorCreated : AuditActions.DriftMonitorUpdated,
                saved.Id,
                new { name = saved.Name },
                CancellationToken.None);
        }

        return result;
    }

    public Task<DriftResultView?> RunNowAsync(string projectId, string monitorId, CancellationToken cancellationToken)
        => runner.RunAsync(projectId, monitorId, null, DriftMonitorRunner.ManualTrigger, cancellationToken);

    public async Task<bool> DeleteAsync(string projectId, string monitorId, CancellationToken cancellationToken)
    {
        var deleted = await monitors.DeleteAsync(projectId, monitorId, cancellationToken);
        if (deleted)
        {
            await actor.RecordAsync(
                projectId,
                AuditActions.DriftMonitorDeleted,
                monitorId,
                null,
                CancellationToken.None);
        }

        return deleted;
    }

    /// <summary>Errors keyed by field, as the form shows them.</summary>
    public static Dictionary<string, string> ByField(IEnumerable<FieldError> errors)
        => errors.GroupBy(e => e.Field.StartsWith("features", StringComparison.Ordinal) ? "features" : e.Field)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message)), StringComparer.Ordinal);

    private static string Number(double? value)
        => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>How far past its threshold a score is, above 1 when drifted: p-values below, distances above.</summary>
    private static double Severity(DriftFeatureResultView feature)
    {
        if (feature.Score is not { } score || feature.Threshold <= 0)
        {
            return 0;
        }

        return feature.ScoreKind == "p_value"
            ? feature.Threshold / Math.Max(score, 1e-12)
            : score / feature.Threshold;
    }

    private void Build(TimeZoneInfo zone)
    {
        var labels = Runs.Select(r => (object)TimeZoneInfo.ConvertTime(r.RunAt, zone)
            .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).ToList();
        var names = Runs.SelectMany(r => r.Features.Select(f => f.Feature)).Distinct().ToList();
        ScoreCharts =
        [
            .. names.Select((name, i) =>
            {
                var points = Runs.Select(r => r.Features.FirstOrDefault(f => f.Feature == name)).ToList();
                var kind = points.LastOrDefault(p => p is not null)?.ScoreKind == "p_value" ? "p-value" : "score";
                return new DriftChartSpec(
                    $"drift-score-{i}",
                    $"{name}: {points.LastOrDefault(p => p is not null)?.TestDisplayName}",
                    "run",
                    kind,
                    [
                        new DriftSeries(name, DriftSeriesKind.Line, labels, [.. points.Select(p => p?.Score)],
                            [.. points.Select(p => p?.Message ?? (p?.Drifted == true ? "drifted" : "no drift"))]),
                        new DriftSeries("threshold", DriftSeriesKind.DashedLine, labels,
                            [.. points.Select(p => p is null ? null : (double?)p.Threshold)]),
                    ]);
            }),
        ];

        var latest = Latest;
        DistributionCharts = latest is null
            ? []
            : [.. latest.Features.Where(f => f.Distribution is not null).Select((f, i) => Distribution(f, i))];
        Projection = latest?.Projection is { } projection
            ? new DriftChartSpec(
                "drift-projection",
                $"Input embeddings, first two principal components ({projection.ExplainedShare:P0} of variance)",
                "PC 1",
                "PC 2",
                [
                    Scatter("reference", projection.Points.Where(p => !p.Current).ToList()),
                    Scatter("current", projection.Points.Where(p => p.Current).ToList()),
                ])
            : null;

        var topicRuns = Runs.Where(r => r.Topics is not null).ToList();
        var topicLabels = topicRuns.SelectMany(r => r.Topics!.Topics.Select(t => t.Label)).Distinct().ToList();
        TopicShares = topicRuns.Count == 0
            ? null
            : new DriftChartSpec(
                "drift-topics",
                "Topic shares of the current window over time",
                "run",
                "share",
                [
                    .. topicLabels.Select(label => new DriftSeries(
                        label,
                        DriftSeriesKind.Line,
                        [.. topicRuns.Select(r => (object)TimeZoneInfo.ConvertTime(r.RunAt, zone)
                            .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))],
                        [
                            .. topicRuns.Select(r =>
                                r.Topics!.Topics.FirstOrDefault(t => t.Label == label)?.CurrentShare),
                        ])),
                ]);

        Changes = latest is null
            ? []
            :
            [
                .. latest.Features
                    .Where(f => f.Status == "computed")
                    .Select(f => new DriftChangeRow(
                        f.Feature,
                        f.TestDisplayName,
                        f.Drifted ? "drifted" : "no drift",
                        Severity(f),
                        f.Drifted,
                        $"{(f.ScoreKind == "p_value" ? "p" : "score")} = {Number(f.Score)}, "
                        + $"threshold {Number(f.Threshold)}"
                        + $"; n = {f.ReferenceCount} / {f.CurrentCount}"))
                    .OrderByDescending(c => c.Drifted)
                    .ThenByDescending(c => c.Severity),
            ];
        FlaggedTopics = latest?.Topics is { } topics ? [.. topics.Topics.Where(t => t.Flag != "none")] : [];
    }

    private static DriftSeries Scatter(string name, List<DriftProjectionPoint> points)
        => new(
            name,
            DriftSeriesKind.Markers,
            [.. points.Select(p => (object)p.X)],
            [.. points.Select(p => (double?)p.Y)],
            [.. points.Select(p => p.TraceId)]);

    private static DriftChartSpec Distribution(DriftFeatureResultView feature, int index)
    {
        var distribution = feature.Distribution!;
        var bins = distribution.Categories is { } categories
            ? categories.Select(c => (object)c).ToList()
            :
            [
                .. Enumerable.Range(0, distribution.ReferenceCounts.Count)
                    .Select(i => (object)BinLabel(distribution.BinEdges!, i)),
            ];
        return new DriftChartSpec(
            $"drift-distribution-{index}",
            $"{feature.Feature}: reference vs current",
            distribution.Categories is null ? "bin" : "category",
            "share of window",
            [
                new DriftSeries("reference", DriftSeriesKind.Bars, bins, Shares(distribution.ReferenceCounts)),
                new DriftSeries("current", DriftSeriesKind.Bars, bins, Shares(distribution.CurrentCounts)),
            ]);
    }

    private static string BinLabel(IReadOnlyList<double> edges, int i)
        => string.Create(CultureInfo.InvariantCulture, $"{edges[i]:0.##}–{edges[i + 1]:0.##}");

    private static List<double?> Shares(IReadOnlyList<long> counts)
    {
        var total = Math.Max(1, counts.Sum());
        return [.. counts.Select(c => (double?)Math.Round((double)c / total, 4))];
    }
}
