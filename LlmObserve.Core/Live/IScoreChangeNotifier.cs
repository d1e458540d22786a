namespace LlmObserve.Core.Live;

/// <summary>The score aggregates of these traces of a project were brought up to date by one transaction.</summary>
public sealed record ScoreChange(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>
/// Raised after each transaction that brought score aggregates up to date: new scores, or scored traces that moved.
/// The Quality page and the trace list listen; a slow subscriber never blocks the writer.
/// </summary>
public interface IScoreChangeNotifier
{
    IDisposable Subscribe(Func<ScoreChange, Task> onChange);

    void Publish(ScoreChange change);
}

/// <summary>In-process notifier for score changes.</summary>
public sealed class ScoreChangeNotifier : ChangeFeed<ScoreChange>, IScoreChangeNotifier;
