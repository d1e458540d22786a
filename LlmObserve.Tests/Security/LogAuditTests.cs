using System.Net;
using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Security;

/// <summary>
/// The log of the whole test run, read at its end: every <see cref="RunningApp"/> of the process wrote into
/// <see cref="TestLogSink"/>, and none of its events may hold a well-known test secret. The collection runs after
/// every other (see <see cref="LogAuditCollection"/>); run alone, the test still starts an app of its own and uses
/// its key, so it never passes on an empty log.
/// </summary>
[Collection(LogAuditCollection.Name)]
public sealed class LogAuditTests
{
    [Fact]
    public async Task WholeRun_LogOfEveryApp_HoldsNoWellKnownSecret()
    {
        var before = TestLogSink.Events;
        await using (var app = await RunningApp.StartAsync())
        {
            using var client = app.CreateClient();
            using var response = await client.PostAsJsonAsync(
                "api/ingest",
                new { traces = new[] { new { name = "audit" } } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var leaks = TestLogSink.LeakedLines;

        Assert.True(TestLogSink.Events > before, "The sink recorded nothing: RunningApp no longer writes into it.");
        Assert.True(
            leaks.Count == 0,
            $"{leaks.Count} of {TestLogSink.Events} log events hold a test secret:\n"
                + string.Join("\n", leaks.Take(20)));
    }
}
