using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// A webhook target on Kestrel at 127.0.0.1: <c>/hook</c> and any path under it (a token-bearing address, as Slack's)
/// record each POST with its path and query and answer with the next queued status (200 when none is queued);
/// <c>/elsewhere</c> redirects to another host name (localhost) and <c>/same</c> to <c>/hook</c> on itself;
/// <c>/echo/…</c> answers 404 with a page that quotes the path and query, as many web frameworks do.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly ConcurrentQueue<string> _targets = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public Uri Hook => new(BaseAddress, "hook");

    public IReadOnlyList<JsonElement> Received => [.. _received];

    /// <summary>The path and query each recorded notice was posted to, in order.</summary>
    public IReadOnlyList<string> Targets => [.. _targets];

    /// <summary>Answer with <c>Connection: close</c>, so that every delivery opens a new connection.</summary>
    public bool CloseConnections { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        Func<HttpContext, Task<IResult>> record = async http =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            receiver._targets.Enqueue(http.Request.Path.Value + http.Request.QueryString.Value);
            receiver._received.Enqueue(body);
            if (receiver.CloseConnections)
            {
                http.Response.Headers.Connection = "close";
            }

            return Results.StatusCode(receiver._statuses.TryDequeue(out var status) ? status : 200);
        };
        app.MapPost("/hook", record);
        app.MapPost("/hook/{**rest}", record);
        app.MapPost("/echo/{**rest}", (HttpContext http) => Results.Text(
            $"Cannot POST {http.Request.Path.Value}{http.Request.QueryString.Value}",
            statusCode: StatusCodes.Status404NotFound));
        app.MapPost("/elsewhere", (HttpContext http) => Results.Redirect(
            $"http://localhost:{http.Connection.LocalPort}/hook",
            permanent: false,
            preserveMethod: true));
        app.MapPost("/same", () => Results.Redirect("/hook", permanent: false, preserveMethod: true));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        receiver.BaseAddress = new Uri(address.Addresses.First().TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>The statuses the next requests get, in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
