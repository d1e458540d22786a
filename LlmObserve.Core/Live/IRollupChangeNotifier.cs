namespace LlmObserve.Core.Live;

/// <summary>The rollups of a project changed: dashboards and metrics read from them may redraw.</summary>
public sealed record RollupChange(string ProjectId, DateTimeOffset At);

/// <summary>Raised after each transaction that brought a project's rollups up to date with new traces.</summary>
public interface IRollupChangeNotifier
{
    IDisposable Subscribe(Func<RollupChange, Task> onChange);

    void Publish(RollupChange change);
}

/// <summary>In-process notifier for rollup changes.</summary>
public sealed class RollupChangeNotifier : ChangeFeed<RollupChange>, IRollupChangeNotifier;
