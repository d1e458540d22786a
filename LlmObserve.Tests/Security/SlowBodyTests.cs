using System.Net.Sockets;
using System.Text;
using LlmObserve.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlmObserve.Tests.Security;

/// <summary>
/// A body that announces 100000 bytes, sends a few and stalls is answered 408 once Kestrel stops waiting, in each
/// route's error format, not 500. The app's minimum body rate is lowered to a 2 s grace so the test stays short.
/// </summary>
public sealed class SlowBodyTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync()
        => _app = await RunningApp.StartAsync(configure: builder => builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(2))));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/v1/traces", "\"code\"")]
    [InlineData("/api/ingest", "\"status\":408")]
    public async Task StalledBody_OnIngestion_Is408SayingTheBodyWasTooSlow(string path, string formatMark)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {_app.BaseAddress.Authority}\r\n"
            + $"Authorization: Bearer {RunningApp.SecretKey}\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100000\r\n\r\n{\"resourceSpans\":[";

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var answer = await ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("too slowly", answer, StringComparison.Ordinal);
        Assert.Contains(formatMark, answer, StringComparison.Ordinal);
    }

    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // A reset after the answer, or a connection kept open: what arrived is what the test reads.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
