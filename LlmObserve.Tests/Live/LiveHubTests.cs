using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using LlmObserve.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;

namespace LlmObserve.Tests.Live;

/// <summary>The typed hub at <c>/hubs/live</c> tells a follower of a project when its traces get scores.</summary>
public sealed class LiveHubTests : IAsyncLifetime
{
    private const string TraceId = "11ae0000000000000000000000000001";

    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task LiveHub_ScoreIngested_FollowerHearsScoresChangedForItsTrace()
    {
        var projectId = await new TraceStore(_app).ProjectIdAsync();
        await IngestAsync(new { traces = new[] { new { id = TraceId, name = "support-chat" } } });
        var heard = new TaskCompletionSource<ScoresChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cookies = await _app.SignInCookiesAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        connection.On<ScoresChangedMessage>(nameof(ILiveClient.ScoresChanged), m => heard.TrySetResult(m));
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(LiveHub.Follow), projectId);

        await IngestAsync(new { scores = new[] { new { traceId = TraceId, name = "groundedness", value = 0.5 } } });
        var message = await heard.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(projectId, message.ProjectId);
        Assert.Equal([TraceId], message.TraceIds);
    }

    private async Task IngestAsync(object body)
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", body);
        response.EnsureSuccessStatusCode();
    }
}
