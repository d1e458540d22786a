namespace LlmObserve.Core.Live;

/// <summary>Scores of traces of one project were stored (by an evaluator, the API or a person).</summary>
public sealed record ScoreChange(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>
/// Raised after each commit that stored scores; pages showing those traces or score trends may redraw.
/// </summary>
public interface IScoreChangeNotifier
{
    IDisposable Subscribe(Func<ScoreChange, Task> onChange);

    void Publish(ScoreChange change);
}

/// <summary>In-process notifier for stored scores.</summary>
public sealed class ScoreChangeNotifier : ChangeFeed<ScoreChange>, IScoreChangeNotifier;
