namespace LlmObserve.Core.Drift.Monitors;

/// <summary>A monitor as the API and the page send it; every field is checked, each refusal naming its field.</summary>
public sealed record DriftMonitorDraft
{
    public string? Name { get; init; }

    public IReadOnlyList<DriftMonitorFeatureDraft?>? Features { get; init; }

    /// <summary>"rolling" (the default) or "fixed".</summary>
    public string? ReferenceKind { get; init; }

    public DateTimeOffset? ReferenceFrom { get; init; }

    public DateTimeOffset? ReferenceTo { get; init; }

    /// <summary>Rolling reference length; default 7 days.</summary>
    public int? ReferenceMinutes { get; init; }

    /// <summary>Current window length; default 24 hours.</summary>
    public int? CurrentMinutes { get; init; }

    public string? Cron { get; init; }

    /// <summary>Minutes between runs; default 60 when no cron is given.</summary>
    public int? IntervalMinutes { get; init; }

    public int? MinimumSampleSize { get; init; }

    public int? TopicCount { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>One feature of a draft.</summary>
public sealed record DriftMonitorFeatureDraft(string? Feature, string? Test = null, double? Threshold = null);

/// <summary>A stored monitor as the API shows it, with its last run's headline.</summary>
public sealed record DriftMonitorView(
    string Id,
    string Name,
    IReadOnlyList<DriftMonitorFeature> Features,
    string ReferenceKind,
    DateTimeOffset? ReferenceFrom,
    DateTimeOffset? ReferenceTo,
    int? ReferenceMinutes,
    int CurrentMinutes,
    string? Cron,
    int? IntervalMinutes,
    int MinimumSampleSize,
    int? TopicCount,
    bool Enabled,
    DateTimeOffset? NextRunAt,
    DateTimeOffset? LastRunAt,
    int? LastDriftedFeatures,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The outcome of a save: the monitor, or every reason it was refused.</summary>
public sealed record DriftMonitorSaveResult(
    DriftMonitorView? Monitor,
    IReadOnlyList<Evaluation.FieldError> Errors,
    bool NotFound = false);

/// <summary>One run as the API shows it.</summary>
public sealed record DriftResultView(
    long Id,
    string MonitorId,
    DateTimeOffset RunAt,
    string Trigger,
    DateTimeOffset ReferenceFrom,
    DateTimeOffset ReferenceTo,
    DateTimeOffset CurrentFrom,
    DateTimeOffset CurrentTo,
    int ReferenceTraces,
    int CurrentTraces,
    int ReferenceFeatured,
    int CurrentFeatured,
    int ReferenceUnfeatured,
    int CurrentUnfeatured,
    int FeaturesWithVerdict,
    int DriftedFeatures,
    double DurationMs,
    string? Error,
    IReadOnlyList<DriftFeatureResultView> Features,
    DriftTopicReport? Topics,
    DriftProjection? Projection);

/// <summary>One feature's verdict in a run.</summary>
public sealed record DriftFeatureResultView(
    string Feature,
    string Kind,
    string Test,
    string TestDisplayName,
    string ScoreKind,
    double? Score,
    double? PValue,
    double? Statistic,
    double Threshold,
    bool Drifted,
    string Status,
    string? Message,
    int ReferenceCount,
    int CurrentCount,
    int ReferenceMissing,
    int CurrentMissing,
    int? SampledPerWindow,
    Statistics.DriftDistribution? Distribution);

/// <summary>Topic shares of both windows, as stored with a run.</summary>
public sealed record DriftTopicReport(IReadOnlyList<DriftTopicShare> Topics, int ReferenceCount, int CurrentCount);

/// <summary>One topic (id −1: vectors that fit no topic) in both windows, with example traces when flagged.</summary>
public sealed record DriftTopicShare(
    int TopicId,
    string Label,
    IReadOnlyList<string> Keywords,
    int ReferenceCount,
    int CurrentCount,
    double ReferenceShare,
    double CurrentShare,
    double PValue,
    string Flag,
    IReadOnlyList<DriftTopicExample> Examples);

/// <summary>A current-window trace nearest a flagged topic's centre.</summary>
public sealed record DriftTopicExample(string TraceId, string? Input);

/// <summary>Sampled input embeddings of both windows projected on their first two principal components.</summary>
public sealed record DriftProjection(IReadOnlyList<DriftProjectionPoint> Points, double ExplainedShare);

/// <summary>One projected trace; <paramref name="Current"/> tells its window.</summary>
public sealed record DriftProjectionPoint(string TraceId, double X, double Y, bool Current);
