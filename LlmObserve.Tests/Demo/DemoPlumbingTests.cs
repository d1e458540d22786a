using System.Reflection;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Web.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmObserve.Tests.Demo;

public sealed class DemoPlumbingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/v1/traces")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/v1/traces")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080/v1/traces")]
    [InlineData("http://+:80", "http://127.0.0.1:80/v1/traces")]
    [InlineData("http://*:5000/", "http://127.0.0.1:5000/v1/traces")]
    [InlineData("http://localhost:5000", "http://localhost:5000/v1/traces")]
    [InlineData("http://[::1]:5001", "http://[::1]:5001/v1/traces")]
    public void DemoEndpoint_ServerAddress_MapsToReachableTracesEndpoint(string address, string expected)
    {
        var endpoint = DemoEndpoint.FromServerAddresses([address]);

        Assert.Equal(new Uri(expected), endpoint);
    }

    [Fact]
    public void DemoEndpoint_HttpsAndHttp_PrefersPlainHttp()
    {
        var endpoint = DemoEndpoint.FromServerAddresses(["https://0.0.0.0:5001", "http://0.0.0.0:5000"]);

        Assert.Equal(new Uri("http://127.0.0.1:5000/v1/traces"), endpoint);
    }

    [Fact]
    public void DemoEndpoint_NoAddress_IsNull()
    {
        Assert.Null(DemoEndpoint.FromServerAddresses([]));
    }

    [Fact]
    public void DemoLog_Events_HaveDistinctIdsInTheDemoRange()
    {
        var ids = typeof(DemoLog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 3000, 3099));
    }

    [Fact]
    public async Task DemoOtlpSender_IngestionAsksToWait_WaitsRetryAfterThenSendsProtobufWithKey()
    {
        var seen = new List<(DateTimeOffset At, string? ContentType, string? Authorization, int Spans)>();
        await using var server = await StartIngestionStandInAsync(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = ExportTraceServiceRequest.Parser.ParseFrom(buffer.ToArray());
            lock (seen)
            {
                seen.Add((
                    TimeProvider.System.GetUtcNow(),
                    context.Request.ContentType,
                    context.Request.Headers.Authorization.ToString(),
                    body.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count))));
                if (seen.Count == 1)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = "1";
                }
            }
        });
        using var http = new HttpClient();
        var sender = new DemoOtlpSender(http, Endpoint(server), "sk-demo", TimeProvider.System, NullLogger.Instance);
        var request = DemoOtlp.Request([Trace()]);

        var outcome = await sender.SendAsync(request, CancellationToken.None);

        Assert.Equal(DemoSendOutcome.Sent, outcome);
        Assert.Equal(2, seen.Count);
        Assert.True(seen[1].At - seen[0].At >= TimeSpan.FromMilliseconds(900));
        Assert.All(seen, s => Assert.Equal("application/x-protobuf", s.ContentType));
        Assert.All(seen, s => Assert.Equal("Bearer sk-demo", s.Authorization));
        Assert.All(seen, s => Assert.True(s.Spans >= 3));
    }

    [Fact]
    public async Task DemoOtlpSender_KeyRefused_GivesUpWithoutRetrying()
    {
        var calls = 0;
        await using var server = await StartIngestionStandInAsync(context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        using var http = new HttpClient();
        var sender = new DemoOtlpSender(http, Endpoint(server), "sk-wrong", TimeProvider.System, NullLogger.Instance);

        var outcome = await sender.SendAsync(DemoOtlp.Request([Trace()]), CancellationToken.None);

        Assert.Equal(DemoSendOutcome.Refused, outcome);
        Assert.Equal(1, calls);
    }

    private static DemoTrace Trace()
        => new DemoTrafficGenerator(7, DateTimeOffset.UnixEpoch).Next(DateTimeOffset.UnixEpoch.AddDays(1));

    private static Uri Endpoint(WebApplication server) => new(server.Urls.First().TrimEnd('/') + "/v1/traces");

    /// <summary>A bare Kestrel server on 127.0.0.1 that plays the ingestion endpoint's part.</summary>
    private static async Task<WebApplication> StartIngestionStandInAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/traces", handle);
        await app.StartAsync();
        return app;
    }
}
