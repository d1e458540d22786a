using System.Reflection;
using LlmObserve.Core.Ingestion.Writer;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Ingestion.Writer;

public sealed class SpanWriterLogTests
{
    [Fact]
    public void LogEvents_OfTheWriter_AreDistinctAndInTheWriterRange()
    {
        var ids = typeof(GroupCommitSpanWriter).Assembly
            .GetType("LlmObserve.Core.Ingestion.Writer.SpanWriterLog", throwOnError: true)!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 1080, 1099));
    }
}
