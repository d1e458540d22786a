using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// Key scopes on the real app: every key-authenticated route declares the scope it needs, and a key of each scope
/// reaches exactly the kinds of route its scope covers, with a 403 naming both scopes elsewhere.
/// </summary>
public sealed class ApiKeyScopeTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _admin = null!;
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _admin = _app.CreateClient();
        _secrets[ApiKeyScope.All] = RunningApp.SecretKey;
        foreach (var scope in new[] { ApiKeyScope.Ingest, ApiKeyScope.Read, ApiKeyScope.Feedback })
        {
            using var created = await _admin.PostAsJsonAsync("api/project/keys", new { name = scope + " key", scope });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            _secrets[scope] = body.GetProperty("secretKey").GetString()!;
        }
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public void Endpoints_EveryKeyAuthenticatedRoute_DeclaresAKnownScope()
    {
        var routes = _app.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        // A route under an API prefix that declares itself anonymous (the OTLP metrics and logs refusals) is public
        // on purpose; the authorization matrix holds its status.
        var keyRoutes = routes
            .Where(e => e.Metadata.GetMetadata<ApiKeyRequiredMetadata>() is not null
                || (IsApiPath(e.RoutePattern.RawText) && e.Metadata.GetMetadata<IAllowAnonymous>() is null))
            .ToList();

        var undeclared = keyRoutes
            .Where(e => e.Metadata.GetMetadata<KeyScopeMetadata>() is not { } declared
                || !ApiKeyScope.IsKnown(declared.Scope))
            .Select(Describe)
            .ToList();
        var unauthenticated = keyRoutes
            .Where(e => e.Metadata.GetMetadata<ApiKeyRequiredMetadata>() is null)
            .Select(Describe)
            .ToList();

        Assert.True(keyRoutes.Count > 60, $"Only {keyRoutes.Count} key routes found: the enumeration is broken.");
        Assert.Empty(undeclared);
        Assert.Empty(unauthenticated);
    }

    [Theory]
    [InlineData(ApiKeyScope.All, true, true, true, true)]
    [InlineData(ApiKeyScope.Ingest, true, false, true, false)]
    [InlineData(ApiKeyScope.Read, false, true, false, false)]
    [InlineData(ApiKeyScope.Feedback, false, false, true, false)]
    public async Task Scope_RepresentativeRoutes_AllowedOrRefusedWith403(
        string scope,
        bool ingest,
        bool read,
        bool feedback,
        bool settings)
    {
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _secrets[scope]);

        using var otlp = await client.PostAsync("v1/traces", Json("""{"resourceSpans":[]}"""));
        using var native = await client.PostAsJsonAsync(
            "api/ingest",
            new { traces = new[] { new { id = Guid.NewGuid().ToString("N"), name = "scope test" } } });
        using var traces = await client.GetAsync("api/traces");
        using var metrics = await client.GetAsync("metrics");
        using var sent = await client.PostAsync(
            "api/feedback",
            Json("""{"requestId":"scope-test","kind":"thumbs","value":1}"""));
        using var keys = await client.GetAsync("api/project/keys");
        using var audit = await client.GetAsync("api/audit");

        await AssertAsync(otlp, ingest, ApiKeyScope.Ingest, scope);
        await AssertAsync(native, ingest, ApiKeyScope.Ingest, scope);
        await AssertAsync(traces, read, ApiKeyScope.Read, scope);
        await AssertAsync(metrics, read, ApiKeyScope.Read, scope);
        await AssertAsync(sent, feedback, ApiKeyScope.Feedback, scope);
        await AssertAsync(keys, settings, ApiKeyScope.All, scope);
        await AssertAsync(audit, settings, ApiKeyScope.All, scope);
    }

    [Fact]
    public async Task ReadKey_WritingADataset_Is403AndCreatesNothing()
    {
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", _secrets[ApiKeyScope.Read]);

        using var create = await client.PostAsJsonAsync("api/datasets", new { name = "not allowed" });
        using var list = await client.GetAsync("api/datasets");

        await AssertAsync(create, false, ApiKeyScope.All, ApiKeyScope.Read);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }

    private static async Task AssertAsync(HttpResponseMessage response, bool allowed, string needed, string keyScope)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (allowed)
        {
            Assert.True(
                response.IsSuccessStatusCode,
                $"{response.RequestMessage!.RequestUri}: {response.StatusCode} {text}");
            return;
        }

        Assert.True(
            response.StatusCode == HttpStatusCode.Forbidden,
            $"{response.RequestMessage!.RequestUri}: {response.StatusCode} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(needed, problem.GetProperty("requiredScope").GetString());
        Assert.Equal(keyScope, problem.GetProperty("keyScope").GetString());
        Assert.Contains($"scope '{needed}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static bool IsApiPath(string? pattern)
        => pattern is not null
            && (pattern.StartsWith("/api/", StringComparison.Ordinal)
                || pattern.StartsWith("/v1/", StringComparison.Ordinal)
                || pattern == "/metrics");

    private static string Describe(RouteEndpoint endpoint) => endpoint.DisplayName ?? endpoint.RoutePattern.RawText!;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
