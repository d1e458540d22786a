using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// <c>/api/project/keys</c> on the real app: a key's secret is answered once and never listed, not even as its hash;
/// revocation is immediate, so a revoked key's next export is a 401 that stores nothing (read from the SQLite file).
/// </summary>
public sealed class ApiKeyApiTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _admin = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task List_AfterCreate_ShowsTheKeyWithoutItsSecretOrHash()
    {
        var (id, publicKey, secret) = await CreateAsync("billing service", ApiKeyScope.Ingest);

        using var response = await _admin.GetAsync("api/project/keys");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyCredentials.HashSecret(secret), text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyCredentials.HashSecret(RunningApp.SecretKey), text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        var key = JsonDocument.Parse(text).RootElement.EnumerateArray()
            .Single(k => k.GetProperty("id").GetInt64() == id);
        Assert.Equal("billing service", key.GetProperty("name").GetString());
        Assert.Equal(ApiKeyScope.Ingest, key.GetProperty("scope").GetString());
        Assert.Equal(publicKey, key.GetProperty("publicKey").GetString());
        Assert.Equal(secret[..10] + "…", key.GetProperty("secretPreview").GetString());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revokedAt").ValueKind);
        Assert.False(key.GetProperty("revoked").GetBoolean());
        Assert.True(key.TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task Create_WithoutNameAndWithAnUnknownScope_Is400NamingBothFields()
    {
        using var response = await _admin.PostAsJsonAsync("api/project/keys", new { name = " ", scope = "admin" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.Contains("'name' is required", errors.GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(
            "'scope' must be one of all, ingest, read, feedback; got 'admin'.",
            errors.GetProperty("scope")[0].GetString());
    }

    [Fact]
    public async Task Export_AfterRevocation_Is401AndStoresNothing()
    {
        var (id, _, secret) = await CreateAsync("collector", ApiKeyScope.Ingest);
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var before = OtlpRequests.NewTraceId();
        var after = OtlpRequests.NewTraceId();

        // The first export also puts the key in the authenticator's cache, which the revocation must clear.
        using var accepted = await ExportAsync(client, before);
        using var revoke = await _admin.DeleteAsync($"api/project/keys/{id}");
        using var refused = await ExportAsync(client, after);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountRowsAsync("Traces", before));
        Assert.Equal(1, await CountRowsAsync("Spans", before));
        Assert.Equal(0, await CountRowsAsync("Traces", after));
        Assert.Equal(0, await CountRowsAsync("Spans", after));
    }

    [Fact]
    public async Task Revoke_TheKeyOfTheRequestItself_Is409AndTheKeyKeepsWorking()
    {
        var (id, _, secret) = await CreateAsync("automation", ApiKeyScope.All);
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        using var self = await client.DeleteAsync($"api/project/keys/{id}");
        using var still = await client.GetAsync("api/project/keys");
        using var unknown = await client.DeleteAsync("api/project/keys/999999");

        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("revoke it with another key", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task LastUsed_AfterARequest_IsShownInTheList()
    {
        var (id, _, secret) = await CreateAsync("reader", ApiKeyScope.Read);
        using var client = _app.CreateClient(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        using var read = await client.GetAsync("api/traces");
        string? lastUsed = null;
        await Poll.UntilAsync(
            async () =>
            {
                var keys = await _admin.GetFromJsonAsync<JsonElement>("api/project/keys");
                var key = keys.EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == id);
                lastUsed = key.GetProperty("lastUsedAt").ValueKind == JsonValueKind.Null
                    ? null
                    : key.GetProperty("lastUsedAt").GetString();
                return lastUsed is not null;
            },
            "the key's last use to be recorded");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull(lastUsed);
    }

    private async Task<(long Id, string PublicKey, string Secret)> CreateAsync(string name, string scope)
    {
        using var response = await _admin.PostAsJsonAsync("api/project/keys", new { name, scope });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key");
        return (key.GetProperty("id").GetInt64(), key.GetProperty("publicKey").GetString()!,
            body.GetProperty("secretKey").GetString()!);
    }

    private static Task<HttpResponseMessage> ExportAsync(HttpClient client, string traceId)
    {
        var request = OtlpRequests.Request(OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "revocation check"));
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return client.PostAsync(new Uri("v1/traces", UriKind.Relative), content);
    }

    private async Task<long> CountRowsAsync(string table, string traceId)
    {
        await using var connection = new SqliteConnection(
            $"Data Source={Path.Combine(_app.DataDirectory, "llmobserve.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE TraceId = $trace";
        command.Parameters.AddWithValue("$trace", traceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
