using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>The project API called with a person's cookie: which project, which role, no peeking elsewhere.</summary>
public sealed class CookieApiTests : IAsyncLifetime
{
    private const string TraceInFirst = "c00c0000000000000000000000000001";
    private const string TraceInSecond = "c00c0000000000000000000000000002";

    private RunningApp _app = null!;
    private string _secondProject = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        using var key = _app.CreateClient();
        (await key.PostAsJsonAsync("api/ingest", new { traces = new[] { new { id = TraceInFirst } } }))
            .EnsureSuccessStatusCode();

        _secondProject = "proj-second";
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
            db.Projects.Add(new Project { Id = _secondProject, Name = "Second", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var pair = await _app.GetRequiredService<ProjectBootstrapper>()
            .CreateKeyAsync(_secondProject, "second", CancellationToken.None);
        using var secondKey = _app.CreateClient(authenticated: false);
        secondKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pair.SecretKey);
        (await secondKey.PostAsJsonAsync("api/ingest", new { traces = new[] { new { id = TraceInSecond } } }))
            .EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task GetTrace_AnotherProjectsTraceId_Is404UnlessThatProjectIsNamed()
    {
        using var admin = await _app.CreateSignedInClientAsync();

        using var own = await admin.GetAsync(new Uri($"api/traces/{TraceInFirst}", UriKind.Relative));
        using var other = await admin.GetAsync(new Uri($"api/traces/{TraceInSecond}", UriKind.Relative));
        using var named = new HttpRequestMessage(HttpMethod.Get, $"api/traces/{TraceInSecond}");
        named.Headers.Add(UserApiAccess.ProjectHeader, _secondProject);
        using var inSecond = await admin.SendAsync(named);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inSecond.StatusCode);
    }

    [Fact]
    public async Task ProjectHeader_OfAProjectThePersonIsNotIn_Is403()
    {
        await TestPeople.AddAsync(_app, "viewer@cookie.example", ProjectRole.Viewer);
        using var viewer = await _app.CreateSignedInClientAsync("viewer@cookie.example", TestPeople.Password);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/traces/{TraceInSecond}");
        request.Headers.Add(UserApiAccess.ProjectHeader, _secondProject);

        using var response = await viewer.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Write_AsViewer_Is403AndAsMemberGoesThrough()
    {
        await TestPeople.AddAsync(_app, "viewer@cookie.example", ProjectRole.Viewer);
        await TestPeople.AddAsync(_app, "member@cookie.example", ProjectRole.Member);
        using var viewer = await _app.CreateSignedInClientAsync("viewer@cookie.example", TestPeople.Password);
        using var member = await _app.CreateSignedInClientAsync("member@cookie.example", TestPeople.Password);
        var score = new { traceId = TraceInFirst, name = "helpful", value = 1 };

        using var refused = await viewer.PostAsJsonAsync("api/scores", score);
        using var accepted = await member.PostAsJsonAsync("api/scores", score);
        using var read = await viewer.GetAsync(new Uri($"api/traces/{TraceInFirst}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True(accepted.IsSuccessStatusCode, $"member's score: {accepted.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("helpful", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
