namespace LlmObserve.Tests.Browser;

/// <summary>
/// Tests that load the machine heavily (a 10,000-span trace in Chromium) run on their own, after the parallel
/// tests, so they neither starve other browser tests nor are starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
