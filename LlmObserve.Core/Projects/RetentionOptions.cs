namespace LlmObserve.Core.Projects;

/// <summary>
/// How the background purges pace themselves: the retention purge of old traces and the purge of deleted projects.
/// Both delete in small batches, each its own short write transaction, and pause between batches, so the span writer
/// (SQLite has one writer at a time) waits at most one batch.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Seconds between retention passes over every project that keeps traces for a limited time.</summary>
    public double IntervalSeconds { get; set; } = 3600;

    /// <summary>Traces removed, with their spans, scores and feedback, in one transaction of the purge.</summary>
    public int BatchTraces { get; set; } = 100;

    /// <summary>Rows of one table removed in one transaction when a deleted project is purged.</summary>
    public int BatchRows { get; set; } = 2000;

    /// <summary>
    /// Least milliseconds between two batches, in which ingestion's writer takes its turn; the pause is at least as
    /// long as the batch itself took, so the purge never holds the write lock more than half of the time.
    /// </summary>
    public int PauseMs { get; set; } = 20;

    /// <summary>
    /// Seconds between a project's deletion and the start of its purge: long enough for requests already past the
    /// key check, and other instances' cached key answers (10 s), to be done, so nothing is written after the purge.
    /// </summary>
    public double DeletedProjectGraceSeconds { get; set; } = 15;

    /// <summary>Seconds between looks for deleted projects still to purge (after a restart or a failure).</summary>
    public double DeletedProjectPollSeconds { get; set; } = 300;
}
