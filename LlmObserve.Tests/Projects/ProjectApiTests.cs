using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// <c>GET</c> and <c>PATCH /api/project</c> with a project key, and the name rules of creating a project: every
/// refusal names the field at fault.
/// </summary>
public sealed class ProjectApiTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Get_ShowsTheKeysProject()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri("api/project", UriKind.Relative));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("proj-", root.GetProperty("id").GetString());
        Assert.Equal(ProjectBootstrapper.DefaultProjectName, root.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("retentionDays").ValueKind);
        Assert.True(root.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Patch_RenamesAndSetsRetention_ThenClearsIt()
    {
        using var client = _app.CreateClient();

        using var set = await PatchAsync(client, """{"name":"  Checkout bot  ","retentionDays":30}""");
        using var cleared = await PatchAsync(client, """{"retentionDays":null}""");
        var shown = await client.GetFromJsonAsync<ProjectView>(new Uri("api/project", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(30, (await set.Content.ReadFromJsonAsync<ProjectView>())!.RetentionDays);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal("Checkout bot", shown!.Name);
        Assert.Null(shown.RetentionDays);
    }

    [Theory]
    [InlineData("""{"retentionDays":0}""", "retentionDays", "between 1 and 3650")]
    [InlineData("""{"retentionDays":3651}""", "retentionDays", "between 1 and 3650")]
    [InlineData("""{"retentionDays":"30"}""", "retentionDays", "whole number of days")]
    [InlineData("""{"retentionDays":1.5}""", "retentionDays", "whole number of days")]
    [InlineData("""{"name":""}""", "name", "required")]
    [InlineData("""{"name":"   "}""", "name", "required")]
    [InlineData("""{"name":42}""", "name", "must be a string")]
    [InlineData("""{"name":"a\nb"}""", "name", "control characters")]
    [InlineData("""{"colour":"red"}""", "colour", "cannot be changed here")]
    [InlineData("""{}""", "$", "Nothing to change")]
    [InlineData("""[1]""", "$", "JSON object")]
    public async Task Patch_BadInput_Is400NamingTheField(string body, string field, string message)
    {
        using var client = _app.CreateClient();
        var before = await client.GetStringAsync(new Uri("api/project", UriKind.Relative));

        using var response = await PatchAsync(client, body);

        var errors = await ErrorsAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, errors[field], StringComparison.Ordinal);
        Assert.Equal(before, await client.GetStringAsync(new Uri("api/project", UriKind.Relative)));
    }

    [Fact]
    public async Task Patch_TooLongNameAndBadRetention_NamesBothFields()
    {
        using var client = _app.CreateClient();

        using var response = await PatchAsync(
            client,
            JsonSerializer.Serialize(new { name = new string('n', 101), retentionDays = -1 }));

        var errors = await ErrorsAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("101 characters", errors["name"], StringComparison.Ordinal);
        Assert.Contains("was -1", errors["retentionDays"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameOfAnotherProject_IgnoringCase_IsRefusedOnCreateAndRename()
    {
        var projects = _app.GetRequiredService<ProjectService>();
        using var client = _app.CreateClient();
        var (other, _) = await projects.CreateAsync("Support Bot", CancellationToken.None);

        var (_, createErrors) = await projects.CreateAsync("  support BOT ", CancellationToken.None);
        var (_, emptyErrors) = await projects.CreateAsync("   ", CancellationToken.None);
        var (_, longErrors) = await projects.CreateAsync(new string('x', 101), CancellationToken.None);
        var (longest, _) = await projects.CreateAsync(new string('y', 100), CancellationToken.None);
        using var rename = await PatchAsync(client, """{"name":"SUPPORT bot"}""");

        var errors = await ErrorsAsync(rename);
        Assert.NotNull(other);
        Assert.StartsWith("pk-lo-", other.Key.PublicKey);
        Assert.StartsWith("sk-lo-", other.Key.SecretKey);
        Assert.Equal("name", Assert.Single(createErrors).Field);
        Assert.Contains("exists already", createErrors[0].Message, StringComparison.Ordinal);
        Assert.Equal("name", Assert.Single(emptyErrors).Field);
        Assert.Equal("name", Assert.Single(longErrors).Field);
        Assert.NotNull(longest);
        Assert.Equal(HttpStatusCode.BadRequest, rename.StatusCode);
        Assert.Contains("exists already", errors["name"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewProjectsKey_SeesItsOwnProjectOnly()
    {
        var (created, _) = await _app.GetRequiredService<ProjectService>()
            .CreateAsync("Second", CancellationToken.None);
        using var client = ProjectTestClient.Client(_app, created!.Key.SecretKey);

        var shown = await client.GetFromJsonAsync<ProjectView>(new Uri("api/project", UriKind.Relative));

        Assert.Equal(created.Project.Id, shown!.Id);
        Assert.Equal("Second", shown.Name);
    }

    [Fact]
    public async Task WithoutKey_Is401()
    {
        using var client = _app.CreateClient(authenticated: false);

        using var get = await client.GetAsync(new Uri("api/project", UriKind.Relative));
        using var patch = await PatchAsync(client, """{"name":"x"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, patch.StatusCode);
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string json)
        => client.PatchAsync(
            new Uri("api/project", UriKind.Relative),
            new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(" ", p.Value.EnumerateArray().Select(m => m.GetString())));
    }
}
