namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// Tests that load the machine heavily (a 10,000-span trace in Chromium) or measure the process as a whole (the heap
/// during an export) run on their own, after the parallel tests, so they neither disturb nor are disturbed by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}
