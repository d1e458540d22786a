using System.Net.Http.Json;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Demo;

/// <summary>Demo mode plays its traffic through the app's own OTLP endpoint, end to end.</summary>
public sealed class DemoModeTests
{
    private static readonly Dictionary<string, string?> DemoSettings = new()
    {
        ["LlmObserve:Demo:Enabled"] = "true",
        ["LlmObserve:Demo:HistoryDays"] = "1",
        ["LlmObserve:Demo:HistoryTracesPerHour"] = "2",
        ["LlmObserve:Demo:LiveIntervalSeconds"] = "0.5",
    };

    [Fact]
    public async Task DemoMode_FirstStart_PlaysHistoryThenLiveTraffic_AndARestartNeitherReplaysNorKeepsOldKeys()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        int historyAndLive;
        await using (var app = await RunningApp.StartAsync(dataDirectory, DemoSettings))
        {
            using var client = app.CreateClient();
            historyAndLive = await WaitForTraceCountAsync(app, atLeast: 50);
            var page = await client.GetFromJsonAsync<TracePage>("api/traces?tag=demo&status=ok&limit=20");
            var detail = await client.GetFromJsonAsync<TraceDetail>($"api/traces/{page!.Data[0].TraceId}");

            Assert.Contains(detail!.Spans, s => s.Type == SpanType.Retrieval && s.Documents is { Count: > 0 });
            Assert.Contains(detail.Spans, s => s.Type == SpanType.Generation && s.Usage.Input > 0);
            Assert.False(string.IsNullOrEmpty(detail.SessionId));
            Assert.False(string.IsNullOrEmpty(detail.Input));
        }

        // Counted once the first app has stopped, so every trace after it comes from the restarted app.
        historyAndLive = await CountTracesAsync(dataDirectory);
        await using var restarted = await RunningApp.StartAsync(dataDirectory, DemoSettings);
        var afterRestart = await WaitForTraceCountAsync(restarted, atLeast: historyAndLive + 1);
        await using var db = await restarted.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>()
            .CreateDbContextAsync();
        var demoKeys = await db.ApiKeys.Where(k => k.Name == "demo").ToListAsync();

        Assert.InRange(afterRestart, historyAndLive + 1, historyAndLive + 40);
        Assert.Equal(2, demoKeys.Count);
        Assert.Single(demoKeys, k => k.RevokedAt is null);
    }

    private static async Task<int> CountTracesAsync(string dataDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "llmobserve.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM \"Traces\"";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<int> WaitForTraceCountAsync(RunningApp app, int atLeast)
    {
        var factory = app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync();
            var count = await db.Traces.CountAsync();
            if (count >= atLeast)
            {
                return count;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Demo traffic reached {count} traces, not {atLeast}, in 60 s.");
            await Task.Delay(200);
        }
    }
}
