using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Security;

/// <summary>
/// A request that no route answers is a 404 whether it carries a valid key, a sign-in cookie or nothing (routing
/// gives no reliable 405: the static files' catch-all route matches nearly every path by GET); OTLP metrics and logs
/// get a 404 that says only traces are accepted. Real pages still send an anonymous visitor to the sign-in page.
/// </summary>
public sealed class UnknownRouteTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("GET", "api/nonexistent")]
    [InlineData("POST", "api/nonexistent")]
    [InlineData("GET", "v1/nonexistent")]
    [InlineData("GET", "v1/traces")]
    [InlineData("POST", "api/traces")]
    [InlineData("GET", "nonexistent")]
    [InlineData("POST", "nonexistent")]
    public async Task UnknownRouteOrMethod_WithKeyCookieOrNothing_IsNotFound(string method, string path)
    {
        using var key = _app.CreateClient();
        using var cookie = await _app.CreateSignedInClientAsync();
        using var nobody = _app.CreateCookieClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { key, cookie, nobody })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], statuses);
    }

    [Fact]
    public async Task UnknownApiRouteOrMethod_WithKey_ProblemNamesMethodAndPath()
    {
        using var key = _app.CreateClient();

        using var unknown = await key.PostAsync("api/nonexistent", new StringContent("{}", Encoding.UTF8));
        using var wrongMethod = await key.GetAsync("v1/traces");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("POST /api/nonexistent", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Contains("GET /v1/traces", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1/metrics", "metrics")]
    [InlineData("v1/logs", "logs")]
    public async Task OtlpMetricsOrLogs_WithValidKey_Is404SayingTracesOnly(string path, string signal)
    {
        using var key = _app.CreateClient();
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await key.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("traces only", body, StringComparison.Ordinal);
        Assert.Contains($"OTEL_{signal.ToUpperInvariant()}_EXPORTER=none", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpMetrics_Protobuf_AnswersAProtobufStatus()
    {
        using var key = _app.CreateClient();
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await key.PostAsync("v1/metrics", content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var status = LlmObserve.Core.Ingestion.Otlp.Proto.RpcStatus.Parser.ParseFrom(
            await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("traces only", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealPage_Anonymous_StillRedirectsToSignIn()
    {
        using var nobody = _app.CreateCookieClient();

        using var response = await nobody.GetAsync("traces");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login?", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
