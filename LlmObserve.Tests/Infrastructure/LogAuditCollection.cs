using Xunit.Abstractions;

[assembly: TestCollectionOrderer(
    "LlmObserve.Tests.Infrastructure.LogAuditLastOrderer",
    "LlmObserve.Tests")]

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// The log audit's collection. xUnit 2 runs collections that disable parallelization one after another, after all
/// the parallel ones have finished; <see cref="LogAuditLastOrderer"/> puts this one after the other such collection
/// (<see cref="AloneCollection"/>), so the audit reads the log of every other test of the run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LogAuditCollection
{
    public const string Name = "LogAudit";
}

/// <summary>Keeps the order the collections were found in and moves the log audit's to the end.</summary>
public sealed class LogAuditLastOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = testCollections.ToList();
        return [.. ordered.Where(c => !IsAudit(c)), .. ordered.Where(IsAudit)];
    }

    private static bool IsAudit(ITestCollection collection) => collection.DisplayName == LogAuditCollection.Name;
}
