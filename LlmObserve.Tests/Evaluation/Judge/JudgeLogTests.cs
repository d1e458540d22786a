using System.Reflection;
using LlmObserve.Core.Evaluation.Judge;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Evaluation.Judge;

public sealed class JudgeLogTests
{
    [Fact]
    public void LogEvents_OfTheJudge_AreDistinctAndInTheJudgeRange()
    {
        var ids = typeof(JudgeClient).Assembly
            .GetType("LlmObserve.Core.Evaluation.Judge.JudgeLog", throwOnError: true)!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(attribute => attribute.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 1500, 1519));
    }
}
