namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>How one judge call ended, over all its attempts.</summary>
public enum JudgeCallStatus
{
    Completed,
    RateLimited,
    TimedOut,
    Failed,
}

/// <summary>The reply of a judge call, or why there is none.</summary>
/// <param name="Status">How the call ended.</param>
/// <param name="Reply">The judge's text when completed; otherwise null.</param>
/// <param name="Reason">Why the call did not complete, fit to show a user; never holds the key.</param>
/// <param name="Usage">Tokens and cost the judge reported.</param>
/// <param name="Attempts">HTTP attempts made.</param>
/// <param name="HttpStatus">
/// The HTTP status of a refused call (401, 404 …); null when the endpoint answered, or could not be reached.
/// </param>
/// <param name="ServerWait">How long the server last asked to be left alone (Retry-After), when it did.</param>
public sealed record JudgeCall(
    JudgeCallStatus Status,
    string? Reply,
    string? Reason,
    JudgeUsage Usage,
    int Attempts,
    int? HttpStatus = null,
    TimeSpan? ServerWait = null);
