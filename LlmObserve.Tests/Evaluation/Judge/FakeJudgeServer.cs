using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Evaluation.Judge;

/// <summary>
/// A small OpenAI-compatible server on 127.0.0.1 with scripted replies, for the real client libraries to talk to.
/// It answers chat completions on any path (the OpenAI path and the Azure deployment path alike), records what
/// it was sent, and counts how many requests were in flight at once.
/// </summary>
internal sealed class FakeJudgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _inFlight;
    private int _maxInFlight;

    private FakeJudgeServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the server answers once the script has run out.</summary>
    public Func<HttpContext, Task> Fallback { get; set; } = Completion("""{"score": 1}""");

    /// <summary>
    /// Picks the reply from the request body when set (an experiment's model and its judge on one server); a null
    /// answer falls through to the script.
    /// </summary>
    public Func<JsonElement, Func<HttpContext, Task>?>? Route { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<FakeJudgeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeJudgeServer(app);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public void Enqueue(params Func<HttpContext, Task>[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    /// <summary>A chat completion whose message content is the given text, with the given usage.</summary>
    public static Func<HttpContext, Task> Completion(string content, int promptTokens = 100, int completionTokens = 20)
        => context => context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = "judge-model",
            choices = new[]
            {
                new
                {
                    index = 0,
                    message = new { role = "assistant", content },
                    finish_reason = "stop",
                },
            },
            usage = new
            {
                prompt_tokens = promptTokens,
                completion_tokens = completionTokens,
                total_tokens = promptTokens + completionTokens,
            },
        });

    public static Func<HttpContext, Task> Status(int status, string? retryAfter = null) => context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return context.Response.WriteAsJsonAsync(new { error = new { message = "scripted failure", code = status } });
    };

    /// <summary>Never answers; gives up only when the client goes away.</summary>
    public static Func<HttpContext, Task> Hang => async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is what a hanging endpoint is for.
        }
    };

    /// <summary>Answers after a pause, so that concurrent requests overlap at the server.</summary>
    public static Func<HttpContext, Task> Slow(TimeSpan pause, string content) => async context =>
    {
        await Task.Delay(pause, context.RequestAborted);
        await Completion(content)(context);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            InterlockedMax(ref _maxInFlight, inFlight);
            using var body = await JsonDocument.ParseAsync(
                context.Request.Body,
                cancellationToken: context.RequestAborted);
            _requests.Enqueue(new RecordedRequest(
                context.Request.Path.Value ?? string.Empty,
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["api-key"].ToString(),
                body.RootElement.Clone(),
                DateTimeOffset.UtcNow));

            var reply = Route?.Invoke(body.RootElement)
                ?? (_script.TryDequeue(out var scripted) ? scripted : Fallback);
            await reply(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

internal sealed record RecordedRequest(
    string Path,
    string Authorization,
    string ApiKey,
    JsonElement Body,
    DateTimeOffset ReceivedAt);
