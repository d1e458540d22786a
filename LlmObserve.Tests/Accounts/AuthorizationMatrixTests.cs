using System.Net.Http.Json;
using System.Text;
using LlmObserve.Core.Accounts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// Every route of the app (read from its endpoint data source, so a new one cannot slip by) against anonymous and
/// each role. A route missing from <see cref="Rules"/> fails the test. Allowed callers must get what the admin gets
/// (200, or the 400/404 a sample request earns) and never 401 or 403; refused ones get exactly 401, 302 or 403.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private const string TraceId = "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a1";

    /// <summary>Who may call each route, keyed by "METHOD pattern".</summary>
    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["DELETE /api/alerts/channels/{id:long}"] = new(Kind.Api, ProjectRole.Member),
        ["DELETE /api/alerts/rules/{id:long}"] = new(Kind.Api, ProjectRole.Member),
        ["DELETE /api/datasets/{id}/items/{itemId}"] = new(Kind.Api, ProjectRole.Member),
        ["DELETE /api/drift/monitors/{id}"] = new(Kind.Api, ProjectRole.Member),
        ["DELETE /api/judge-endpoints/{id:long}"] = new(Kind.Api, ProjectRole.Admin),
        ["DELETE /api/project/keys/{id:long}"] = new(Kind.Api, ProjectRole.Admin),
        ["DELETE /api/project/browser-keys/{id:long}"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /"] = new(Kind.Public),
        ["GET /_blazor"] = new(Kind.SignedIn),
        ["GET /_blazor/disconnect"] = new(Kind.SignedIn),
        ["GET /_blazor/initializers"] = new(Kind.SignedIn),
        ["GET /_blazor/negotiate"] = new(Kind.SignedIn),
        ["GET /_framework/opaque-redirect"] = new(Kind.SignedIn),
        ["GET /account/password"] = new(Kind.SignedIn),
        ["GET /alerts"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /alerts/history"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /annotation"] = new(Kind.Page, ProjectRole.Reviewer),
        ["GET /annotation/{QueueId}"] = new(Kind.Page, ProjectRole.Reviewer),
        ["GET /api/alerts/channels"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/alerts/events"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/alerts/metrics"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/alerts/rules"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/alerts/rules/{id:long}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/annotation-queues"] = new(Kind.Api, ProjectRole.Reviewer),
        ["GET /api/annotation-queues/{id}"] = new(Kind.Api, ProjectRole.Reviewer),
        ["GET /api/annotation-queues/{id}/agreement"] = new(Kind.Api, ProjectRole.Reviewer),
        ["GET /api/audit"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/calibration"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/datasets"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/datasets/{id}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/datasets/{id}/export"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/drift/monitors"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/drift/monitors/{id}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/drift/monitors/{id}/results"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/evaluators"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/evaluators/{id}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/evaluators/{id}/status"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/experiments"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/experiments/{id}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/experiments/{id}/compare/{baselineId}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/experiments/{id}/results"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/feedback"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/judge-endpoints"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/judge-endpoints/{id:long}"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/metrics/overview"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/metrics/quality"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/project"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/project/browser-access"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/project/keys"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/project/redaction"] = new(Kind.Api, ProjectRole.Admin),
        ["GET /api/sessions/{sessionId}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/traces"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/traces/count"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/traces/export"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /api/traces/{traceId}"] = new(Kind.Api, ProjectRole.Viewer),
        ["GET /calibration"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /datasets"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /drift"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /evaluations"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /experiments/compare"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /export/traces"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /health"] = new(Kind.Public),
        ["GET /hubs/live"] = new(Kind.SignedIn),
        ["GET /hubs/live/negotiate"] = new(Kind.SignedIn),
        ["GET /login"] = new(Kind.Public),
        ["GET /metrics"] = new(Kind.KeyOnly),
        ["GET /not-found"] = new(Kind.Public),
        ["GET /overview"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /projects"] = new(Kind.SignedIn),
        ["GET /quality"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /sessions/{SessionId}"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /settings/audit"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/browser-access"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/judges"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/keys"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/prices"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/project"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/redaction"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /settings/users"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /setup"] = new(Kind.Page, ProjectRole.Admin),
        ["GET /setup/admin"] = new(Kind.Public),
        ["GET /traces"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /traces/{TraceId}"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /users/{UserId}"] = new(Kind.Page, ProjectRole.Viewer),
        ["GET /{**path:file}"] = new(Kind.Public),
        ["HEAD /{**path:file}"] = new(Kind.Public),
        ["PATCH /api/project"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /account/first-admin"] = new(Kind.Public),
        ["POST /account/login"] = new(Kind.Public),
        ["POST /account/logout"] = new(Kind.SignedIn),
        ["POST /api/alerts/channels"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/alerts/channels/{id:long}/test"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/alerts/rules"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/annotation-queues"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/annotation-queues/{id}/items/{itemId:long}/labels"] = new(Kind.Api, ProjectRole.Reviewer),
        ["POST /api/annotation-queues/{id}/items/{itemId:long}/skip"] = new(Kind.Api, ProjectRole.Reviewer),
        ["POST /api/annotation-queues/{id}/next"] = new(Kind.Api, ProjectRole.Reviewer),
        ["POST /api/datasets"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/datasets/{id}/import"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/datasets/{id}/items"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/datasets/{id}/items/from-annotation"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/datasets/{id}/items/from-trace"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/drift/monitors"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/drift/monitors/{id}/run"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/evaluators"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/evaluators/{id}/backfill"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/evaluators/{id}/disable"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/evaluators/{id}/enable"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/experiments"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/experiments/{id}/gate"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/feedback"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/ingest"] = new(Kind.Api, ProjectRole.Member),
        ["POST /api/judge-endpoints"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/judge-endpoints/test"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/judge-endpoints/{id:long}/test"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/project/browser-keys"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/project/keys"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/project/redaction/preview"] = new(Kind.Api, ProjectRole.Admin),
        ["POST /api/public/otel/v1/logs"] = new(Kind.Public),
        ["POST /api/public/otel/v1/metrics"] = new(Kind.Public),
        ["POST /api/public/otel/v1/traces"] = new(Kind.KeyOnly),
        ["POST /api/scores"] = new(Kind.Api, ProjectRole.Member),
        ["POST /v1/logs"] = new(Kind.Public),
        ["POST /v1/metrics"] = new(Kind.Public),
        ["POST /v1/traces"] = new(Kind.KeyOnly),
        ["PUT /api/alerts/channels/{id:long}"] = new(Kind.Api, ProjectRole.Member),
        ["PUT /api/alerts/rules/{id:long}"] = new(Kind.Api, ProjectRole.Member),
        ["PUT /api/datasets/{id}/items/{itemId}/expected-output"] = new(Kind.Api, ProjectRole.Member),
        ["PUT /api/drift/monitors/{id}"] = new(Kind.Api, ProjectRole.Member),
        ["PUT /api/evaluators/{id}"] = new(Kind.Api, ProjectRole.Member),
        ["PUT /api/judge-endpoints/{id:long}"] = new(Kind.Api, ProjectRole.Admin),
        ["PUT /api/project/feedback-origins"] = new(Kind.Api, ProjectRole.Admin),
        ["PUT /api/project/redaction"] = new(Kind.Api, ProjectRole.Admin),
    };

    private RunningApp _app = null!;

    private enum Kind
    {
        /// <summary>Open to everyone, signed in or not: all get the admin's status.</summary>
        Public,

        /// <summary>A machine route that takes a key only: 401 without a key, whoever is signed in.</summary>
        KeyOnly,

        /// <summary>
        /// Any signed-in person; anonymous is sent to sign in (302) or, on a machine path, gets 401. Unknown
        /// addresses are here too: anonymous is sent to sign in rather than told what exists.
        /// </summary>
        SignedIn,

        /// <summary>A page needing a role: anonymous 302, a role that does not satisfy it 403.</summary>
        Page,

        /// <summary>An API route needing a role: anonymous 401, a role that does not satisfy it 403.</summary>
        Api,
    }

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryRoute_ForAnonymousAndEachRole_AnswersExactlyAsExpected()
    {
        using (var key = _app.CreateClient())
        {
            using var ingest = await key.PostAsJsonAsync("api/ingest", new { traces = new[] { new { id = TraceId } } });
            ingest.EnsureSuccessStatusCode();
        }

        var routes = Routes();
        var missing = routes.Where(r => !Rules.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, "Routes without an expectation:\n" + string.Join("\n", missing));
        Assert.Empty(Rules.Keys.Except(routes));

        var people = new Dictionary<ProjectRole, HttpClient>
        {
            [ProjectRole.Admin] = await _app.CreateSignedInClientAsync(),
        };
        foreach (var role in new[] { ProjectRole.Member, ProjectRole.Reviewer, ProjectRole.Viewer })
        {
            var email = role.Name() + "@matrix.example";
            await TestPeople.AddAsync(_app, email, role);
            people[role] = await _app.CreateSignedInClientAsync(email, TestPeople.Password);
        }

        using var anonymous = _app.CreateCookieClient();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var rule = Rules[route];
            var adminStatus = await SendAsync(people[ProjectRole.Admin], route);
            Check(failures, route, "admin", Expected(rule, ProjectRole.Admin, adminStatus), adminStatus);
            foreach (var role in new[] { ProjectRole.Member, ProjectRole.Reviewer, ProjectRole.Viewer })
            {
                var status = await SendAsync(people[role], route);
                Check(failures, route, role.Name(), Expected(rule, role, adminStatus), status);
            }

            var anonymousStatus = await SendAsync(anonymous, route);
            Check(failures, route, "anonymous", ExpectedAnonymous(rule, adminStatus, route), anonymousStatus);
        }

        foreach (var client in people.Values)
        {
            client.Dispose();
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Check(List<string> failures, string route, string who, int? expected, int actual)
    {
        if (expected is { } exact ? exact != actual : actual is 401 or 403 or 302)
        {
            failures.Add($"{route} as {who}: expected {expected?.ToString() ?? "allowed"}, got {actual}");
        }
    }

    /// <summary>The status a signed-in role must get; null: allowed, any status but 401, 403 or 302.</summary>
    private static int? Expected(Rule rule, ProjectRole role, int adminStatus) => rule.Kind switch
    {
        Kind.KeyOnly => 401,
        Kind.Public or Kind.SignedIn => adminStatus,
        _ when rule.Role is { } required && !role.Satisfies(required) => 403,
        _ when role == ProjectRole.Admin => null,
        _ => adminStatus,
    };

    private static int? ExpectedAnonymous(Rule rule, int adminStatus, string route) => rule.Kind switch
    {
        Kind.Public => adminStatus,
        Kind.KeyOnly or Kind.Api => 401,
        Kind.SignedIn when IsMachinePath(route) => 401,
        _ => 302,
    };

    private static bool IsMachinePath(string route)
    {
        var path = route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        return path.StartsWith("/hubs", StringComparison.Ordinal)
            || path.StartsWith("/_blazor", StringComparison.Ordinal);
    }

    private static async Task<int> SendAsync(HttpClient client, string route)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var method = route[..space];
        var path = Concrete(route[(space + 1)..]);
        using var request = new HttpRequestMessage(
            new HttpMethod(method),
            new Uri(path.TrimStart('/'), UriKind.Relative));
        if (path.StartsWith("/account/", StringComparison.Ordinal))
        {
            // The account forms, posted as a browser would but without their antiforgery token.
            request.Content = new FormUrlEncodedContent([]);
        }
        else if (method is not ("GET" or "HEAD" or "DELETE"))
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>The route with sample values: a real trace of the project, ids that exist nowhere otherwise.</summary>
    private static string Concrete(string pattern)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] != '{')
            {
                builder.Append(pattern[i++]);
                continue;
            }

            var end = pattern.IndexOf('}', i);
            var name = pattern[(i + 1)..end].Split(':', '=', '?')[0].TrimStart('*');
            builder.Append(name.Equals("traceId", StringComparison.OrdinalIgnoreCase) ? TraceId
                : pattern[(i + 1)..end].Contains(":long", StringComparison.Ordinal) ? "999999"
                : pattern[(i + 1)..end].Contains(":file", StringComparison.Ordinal) ? "none.txt"
                : "none");
            i = end + 1;
        }

        return builder.ToString();
    }

    /// <summary>"METHOD /pattern" of every route endpoint but static files; pages by GET.</summary>
    private List<string> Routes()
    {
        var source = _app.Services.GetRequiredService<EndpointDataSource>();
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor"))
            {
                continue;
            }

            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
            var methods = endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                ? ["GET"]
                : endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                routes.Add(method + " " + pattern);
            }
        }

        return routes.ToList();
    }

    private sealed record Rule(Kind Kind, ProjectRole? Role = null);
}
