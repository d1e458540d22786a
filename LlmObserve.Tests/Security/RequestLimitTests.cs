using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace LlmObserve.Tests.Security;

/// <summary>
/// Oversized requests on the real app: 413 with a problem that names the limit and its setting, whether the body
/// announced its length or came in chunks, for the JSON APIs, the dataset import and ingestion; a SignalR message
/// over the hub limit ends the connection instead of reaching the hub.
/// </summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private const int SmallLimit = 4096;

    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Security:MaxRequestBodyBytes"] = "4096",
            ["LlmObserve:Ingestion:MaxRequestBytes"] = "65536",
        });
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task JsonApi_BodyOverTheLimitWithLength_Is413NamingTheLimit()
    {
        using var content = new StringContent(BigJson(SmallLimit + 10), Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync("api/datasets", content);

        await AssertTooLargeAsync(response, "LlmObserve:Security:MaxRequestBodyBytes", SmallLimit.ToString());
    }

    [Fact]
    public async Task JsonApi_ChunkedBodyOverTheLimit_Is413NamingTheLimit()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(BigJson(SmallLimit * 3))));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/datasets") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        await AssertTooLargeAsync(response, "LlmObserve:Security:MaxRequestBodyBytes", SmallLimit.ToString());
    }

    [Fact]
    public async Task JsonApi_BodyUnderTheLimit_IsStillRead()
    {
        using var response = await _client.PostAsJsonAsync("api/datasets", new { name = "small enough" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task DatasetImport_HasItsOwnLargerLimit_AndNamesItWhenOver()
    {
        using var created = await _client.PostAsJsonAsync("api/datasets", new { name = "import" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var line = "{\"input\":\"" + new string('q', 200) + "\"}\n";
        var fits = string.Concat(Enumerable.Repeat(line, (SmallLimit * 4) / line.Length));
        using var tooLarge = new ByteArrayContent(new byte[(20 * 1024 * 1024) + 1]);

        using var accepted = await _client.PostAsync(
            $"api/datasets/{id}/import?format=jsonl",
            new StringContent(fits, Encoding.UTF8, "application/x-ndjson"));
        using var oversized = new HttpRequestMessage(HttpMethod.Post, $"api/datasets/{id}/import?format=jsonl")
        {
            Content = tooLarge,
        };

        // The client waits for the answer before sending the body, as a careful uploader does; without it the
        // 413 can be lost to the reset of a connection the server stopped reading.
        oversized.Headers.ExpectContinue = true;
        using var refused = await _client.SendAsync(oversized);

        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        await AssertTooLargeAsync(refused, "dataset import limit", "20971520");
    }

    [Fact]
    public async Task Ingestion_KeepsItsOwnLimit_WhichIsLargerThanTheGeneralOne()
    {
        var body = JsonSerializer.Serialize(new
        {
            traces = new[] { new { name = "sized", input = new string('x', SmallLimit * 2) } },
        });
        using var over = new ByteArrayContent(new byte[70_000]);
        over.Headers.ContentType = new("application/json");
        _client.DefaultRequestHeaders.ExpectContinue = true;

        using var accepted = await _client.PostAsync(
            "api/ingest",
            new StringContent(body, Encoding.UTF8, "application/json"));
        using var refused = await _client.PostAsync("api/ingest", over);

        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("LlmObserve:Ingestion:MaxRequestBytes", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LiveHub_MessageOverTheHubLimit_ClosesTheConnection()
    {
        var cookies = await _app.SignInCookiesAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await connection.StartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => connection.InvokeAsync<object>(
            "NoSuchMethod",
            new string('m', 40 * 1024)));

        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        Assert.NotNull(reason);
    }

    private static string BigJson(int size) => JsonSerializer.Serialize(new { name = new string('n', size) });

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, string setting, string limit)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == HttpStatusCode.RequestEntityTooLarge,
            $"{(int)response.StatusCode}: {text}");
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(setting, detail, StringComparison.Ordinal);
        Assert.Contains(limit, detail, StringComparison.Ordinal);
    }
}
