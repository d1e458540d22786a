namespace LlmObserve.Core.Drift.Monitors;

/// <summary>
/// A drift monitor (table <c>DriftMonitors</c>): which features of a project's traces it compares, between which
/// windows, how often, with which test and threshold per feature, and how many values a window needs for a verdict.
/// The current window always ends at the run's time; the reference is a fixed period or a rolling baseline that ends
/// where the current window starts.
/// </summary>
public sealed class DriftMonitor
{
    /// <summary>"dm-" and 12 hex characters.</summary>
    public required string Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>Unique in its project.</summary>
    public required string Name { get; set; }

    /// <summary>The features and their tests, as JSON (<see cref="DriftMonitorFeature"/>).</summary>
    public required string FeaturesJson { get; set; }

    /// <summary><see cref="DriftReferenceKinds.Rolling"/> or <see cref="DriftReferenceKinds.Fixed"/>.</summary>
    public required string ReferenceKind { get; set; }

    /// <summary>Start of a fixed reference window (inclusive).</summary>
    public DateTimeOffset? ReferenceFrom { get; set; }

    /// <summary>End of a fixed reference window (exclusive).</summary>
    public DateTimeOffset? ReferenceTo { get; set; }

    /// <summary>Length of a rolling reference window, which ends where the current window starts.</summary>
    public int? ReferenceMinutes { get; set; }

    /// <summary>Length of the current window, which ends at the run's time.</summary>
    public int CurrentMinutes { get; set; }

    /// <summary>A Quartz cron expression (seconds first), or null when <see cref="IntervalMinutes"/> is set.</summary>
    public string? Cron { get; set; }

    /// <summary>Minutes between runs, or null when <see cref="Cron"/> is set.</summary>
    public int? IntervalMinutes { get; set; }

    /// <summary>Fewer values than this in either window give "not enough data (n = …)", not a verdict.</summary>
    public int MinimumSampleSize { get; set; } = DriftMonitorRules.DefaultMinimumSampleSize;

    /// <summary>Topics of the topic-mix feature; null chooses the number by silhouette (2 to 8).</summary>
    public int? TopicCount { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>When the schedule next runs it; null while disabled.</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One feature a monitor compares, with its test ("auto" for the automatic choice) and threshold.</summary>
/// <param name="Feature">A name of <see cref="DriftMonitorRules.Features"/>.</param>
/// <param name="Test">A test name that applies to the feature, or "auto".</param>
/// <param name="Threshold">Overrides the test's default threshold; needs a named test for column features.</param>
public sealed record DriftMonitorFeature(
    string Feature,
    string Test = DriftMonitorRules.AutoTest,
    double? Threshold = null);

/// <summary>The kinds of reference window.</summary>
public static class DriftReferenceKinds
{
    /// <summary>The period just before the current window, of <see cref="DriftMonitor.ReferenceMinutes"/>.</summary>
    public const string Rolling = "rolling";

    /// <summary>A fixed period [from, to).</summary>
    public const string Fixed = "fixed";
}
