using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Feedback;

/// <summary>
/// Browser-safe feedback: a feedback-only key and the project's feedback origins let a web page post feedback
/// straight to <c>/api/feedback</c>; a page from any other origin is refused at the preflight and at the request.
/// The pages are served by a second Kestrel on 127.0.0.1 and reached as two origins (127.0.0.1 and localhost).
/// </summary>
public sealed class BrowserFeedbackTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private WebApplication _pages = null!;
    private string _publicKey = null!;
    private string _allowedOrigin = null!;
    private string _refusedOrigin = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
        _pages = await StartPageServerAsync();
        var port = new Uri(_pages.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _allowedOrigin = $"http://127.0.0.1:{port}";
        _refusedOrigin = $"http://localhost:{port}";

        using var key = await _client.PostAsJsonAsync("api/project/browser-keys", new { name = "shop page" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        _publicKey = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("publicKey").GetString()!;
        using var origins = await _client.PutAsJsonAsync(
            "api/project/feedback-origins",
            new { origins = new[] { _allowedOrigin + "/", "https://shop.example.com" } });
        Assert.Equal(HttpStatusCode.OK, origins.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _pages.StopAsync();
        await _pages.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAllowedAndFromAnotherIsNot()
    {
        using var allowed = await PreflightAsync(_allowedOrigin);
        using var refused = await PreflightAsync(_refusedOrigin);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(_allowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Post_WithTheBrowserKey_IsStoredFromAnAllowedOriginAndRefusedFromAnother()
    {
        using var allowed = await PostFromAsync(_allowedOrigin, "req-allowed");
        using var refused = await PostFromAsync(_refusedOrigin, "req-refused");

        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        Assert.Equal(_allowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith(
            $"Pages from {_refusedOrigin} may not send feedback",
            problem.GetProperty("detail").GetString());
        Assert.Single((await ListAsync("req-allowed")).EnumerateArray());
        Assert.Empty((await ListAsync("req-refused")).EnumerateArray());
    }

    [Fact]
    public async Task Revoke_TheBrowserKey_RefusesItsFeedbackAtOnceAndAnUnknownKeyIsNotFound()
    {
        var access = await _client.GetFromJsonAsync<JsonElement>("api/project/browser-access");
        var id = access.GetProperty("keys")[0].GetProperty("id").GetInt64();
        using var before = await PostFromAsync(_allowedOrigin, "req-before-revoke");

        using var revoke = await _client.DeleteAsync($"api/project/browser-keys/{id}");
        using var unknown = await _client.DeleteAsync("api/project/browser-keys/987654");
        using var after = await PostFromAsync(_allowedOrigin, "req-after-revoke");

        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var revoked = (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0];
        Assert.True(revoked.GetProperty("revoked").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var problem = await after.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("Unknown or revoked browser key", problem.GetProperty("detail").GetString());
        Assert.Empty((await ListAsync("req-after-revoke")).EnumerateArray());
    }

    [Fact]
    public async Task BrowserKey_ReadsNothingAndItsPublicKeyOpensNoOtherApi()
    {
        using var asBearer = new HttpClient { BaseAddress = _app.BaseAddress };
        asBearer.DefaultRequestHeaders.Authorization = new("Bearer", _publicKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/traces");
        request.Headers.Add("X-LlmObserve-Public-Key", _publicKey);

        using var traces = await asBearer.GetAsync("api/traces");
        using var withHeader = await _app.CreateClient(authenticated: false).SendAsync(request);
        using var ingest = await _app.CreateClient(authenticated: false).PostAsync(
            $"api/ingest?publicKey={_publicKey}",
            new StringContent("""{"traces":[{"name":"x"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, traces.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, ingest.StatusCode);
    }

    [Fact]
    public async Task FeedbackOrigins_ThatAreNotOrigins_AreProblemsNamingEachOne()
    {
        using var response = await _client.PutAsJsonAsync(
            "api/project/feedback-origins",
            new { origins = new[] { "https://ok.example.com", "https://shop.example.com/checkout", "*" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["origins[1]", "origins[2]"], errors.EnumerateObject().Select(e => e.Name));
        var access = await _client.GetFromJsonAsync<JsonElement>("api/project/browser-access");
        Assert.Equal(
            [_allowedOrigin, "https://shop.example.com"],
            access.GetProperty("origins").EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public async Task Chromium_APageOfAnAllowedOriginSendsFeedbackAndOneOfAnotherCannot()
    {
        await using var browser = await BrowserSession.StartAsync(_app);

        await browser.Page.GotoAsync(_allowedOrigin + "/shop");
        var allowed = await browser.Page.EvaluateAsync<string>("sendFeedback('req-page-allowed')");
        await browser.Page.GotoAsync(_refusedOrigin + "/shop");
        var refused = await browser.Page.EvaluateAsync<string>("sendFeedback('req-page-refused')");

        Assert.Equal("202", allowed);
        Assert.StartsWith("failed: TypeError", refused);
        Assert.Single((await ListAsync("req-page-allowed")).EnumerateArray());
        Assert.Empty((await ListAsync("req-page-refused")).EnumerateArray());
    }

    private async Task<WebApplication> StartPageServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        var pages = builder.Build();
        var endpoint = $"{_app.BaseAddress}api/feedback";
        pages.MapGet("/shop", () => Results.Content(
            $$"""
            <!doctype html><html><body><p>shop</p><script>
            async function sendFeedback(requestId) {
              try {
                const response = await fetch('{{endpoint}}', {
                  method: 'POST',
                  headers: { 'Content-Type': 'application/json', 'X-LlmObserve-Public-Key': '{{_publicKey}}' },
                  body: JSON.stringify({ requestId, kind: 'thumbs', value: 1, userId: 'shopper' })
                });
                return String(response.status);
              } catch (error) {
                return 'failed: ' + error.name;
              }
            }
            </script></body></html>
            """,
            "text/html"));
        await pages.StartAsync();
        return pages;
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"api/feedback?publicKey={_publicKey}");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var anonymous = _app.CreateClient(authenticated: false);
        return await anonymous.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostFromAsync(string origin, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/feedback?publicKey={_publicKey}")
        {
            Content = new StringContent(
                $$"""{"requestId":"{{requestId}}","kind":"thumbs","value":1}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("Origin", origin);
        using var anonymous = _app.CreateClient(authenticated: false);
        return await anonymous.SendAsync(request);
    }

    private async Task<JsonElement> ListAsync(string requestId)
        => (await _client.GetFromJsonAsync<JsonElement>($"api/feedback?requestId={requestId}")).GetProperty("data");
}
