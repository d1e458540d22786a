using System.Globalization;

namespace LlmObserve.Core.Evaluation.Runs;

/// <summary>Where an evaluation of one trace by one evaluator version stands, stored in lower case.</summary>
public static class EvaluationRunStatus
{
    /// <summary>Claimed and waiting for its (next) attempt.</summary>
    public const string Pending = "pending";

    /// <summary>An attempt is in progress under a lease.</summary>
    public const string Running = "running";

    /// <summary>A score was stored.</summary>
    public const string Scored = "scored";

    /// <summary>The trace lacks what the evaluator needs; the reason is kept.</summary>
    public const string Skipped = "skipped";

    /// <summary>Every attempt failed; the last error is kept.</summary>
    public const string Failed = "failed";

    /// <summary>The judge replied with nothing a score could be read from; the raw reply is kept.</summary>
    public const string Unparseable = "unparseable";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Scored, Skipped, Failed, Unparseable];

    /// <summary>States no attempt follows.</summary>
    public static bool IsFinal(string status) => status is Scored or Skipped or Failed or Unparseable;
}

/// <summary>
/// The evaluation of one trace by one evaluator version. There is at most one per (evaluator, version, trace), and
/// the score it writes is stored in the same transaction that marks it scored, so retries and restarts can neither
/// lose a score nor write it twice.
/// </summary>
public sealed class EvaluationRun
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    public required string EvaluatorId { get; set; }

    public int EvaluatorVersion { get; set; }

    public required string TraceId { get; set; }

    /// <summary>The span evaluated, for a span target, once known.</summary>
    public string? SpanId { get; set; }

    /// <summary>One of <see cref="EvaluationRunStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Attempts started, the running one included.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last attempt did not score, fit to show; never holds a key.</summary>
    public string? LastError { get; set; }

    /// <summary>Why the trace was skipped.</summary>
    public string? SkipReason { get; set; }

    /// <summary>The judge's reply when it could not be parsed.</summary>
    public string? RawReply { get; set; }

    /// <summary>The score written, when scored.</summary>
    public long? ScoreId { get; set; }

    /// <summary>Judge tokens this evaluation spent over its attempts.</summary>
    public long JudgeTokens { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the run reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>A pending run is not attempted before this.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>
    /// Who holds a running run: the worker's token, so a run taken over elsewhere is not finished twice.
    /// </summary>
    public string? LeaseToken { get; set; }

    /// <summary>
    /// A running run whose lease passed without renewal belongs to a worker that died, and is taken up again.
    /// </summary>
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>
/// A request to evaluate the traces of a past time range with an evaluator version. Traces are claimed in row order
/// from <see cref="CursorRowId"/>, under the evaluator's filter and sampling, until none is left.
/// </summary>
public sealed class EvaluationBackfill
{
    public long Id { get; set; }

    public required string EvaluatorId { get; set; }

    public int EvaluatorVersion { get; set; }

    /// <summary>Earliest trace start, inclusive.</summary>
    public DateTimeOffset From { get; set; }

    /// <summary>Latest trace start, exclusive.</summary>
    public DateTimeOffset To { get; set; }

    /// <summary>Traces with a row id at or below this were looked at.</summary>
    public long CursorRowId { get; set; }

    /// <summary>
    /// The newest trace when the backfill was asked for; traces stored later are live traffic, which the evaluator's
    /// own cursor covers.
    /// </summary>
    public long UpToRowId { get; set; }

    /// <summary>Traces claimed for evaluation so far.</summary>
    public int Claimed { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>
/// What an evaluator's judge spent on one UTC day, counted from the usage the judge reported, so the daily cap holds
/// across restarts.
/// </summary>
public sealed class JudgeSpendDay
{
    public required string EvaluatorId { get; set; }

    /// <summary>The UTC day as yyyy-MM-dd.</summary>
    public required string Day { get; set; }

    public long Tokens { get; set; }

    /// <summary>Priced with the endpoint's prices.</summary>
    public double Cost { get; set; }

    public int Calls { get; set; }

    public static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Marks a project whose default evaluators were created, so deleting or changing them sticks.</summary>
public sealed class EvaluatorSeed
{
    public required string ProjectId { get; set; }

    public DateTimeOffset SeededAt { get; set; }
}
