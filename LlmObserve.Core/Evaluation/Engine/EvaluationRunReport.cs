namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>What one run of the evaluation job did, for its log line and for tests and benchmarks.</summary>
public sealed class EvaluationRunReport
{
    private int _claimed;
    private int _taken;
    private int _scored;
    private int _skipped;
    private int _retried;
    private int _failed;

    /// <summary>Traces newly claimed for evaluation.</summary>
    public int Claimed => _claimed;

    /// <summary>Evaluations attempted.</summary>
    public int Taken => _taken;

    /// <summary>Evaluations that stored a score.</summary>
    public int Scored => _scored;

    /// <summary>Evaluations that ended skipped or unparseable.</summary>
    public int Skipped => _skipped;

    /// <summary>Evaluations put back to be attempted again (failure, rate limit, budget).</summary>
    public int Retried => _retried;

    /// <summary>Evaluations that gave up.</summary>
    public int Failed => _failed;

    internal void AddClaimed(int count) => Interlocked.Add(ref _claimed, count);

    internal void AddTaken(int count) => Interlocked.Add(ref _taken, count);

    internal void CountScored() => Interlocked.Increment(ref _scored);

    internal void CountSkipped() => Interlocked.Increment(ref _skipped);

    internal void CountRetried() => Interlocked.Increment(ref _retried);

    internal void CountFailed() => Interlocked.Increment(ref _failed);

    internal void Add(EvaluationRunReport pass)
    {
        AddClaimed(pass.Claimed);
        AddTaken(pass.Taken);
        Interlocked.Add(ref _scored, pass.Scored);
        Interlocked.Add(ref _skipped, pass.Skipped);
        Interlocked.Add(ref _retried, pass.Retried);
        Interlocked.Add(ref _failed, pass.Failed);
    }
}
