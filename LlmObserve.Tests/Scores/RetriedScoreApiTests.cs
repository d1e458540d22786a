using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Tests.Scores;

/// <summary>
/// <c>POST /api/scores</c> with the sender's own <c>id</c>, as <c>scores[].id</c> of <c>/api/ingest</c>: a retry
/// stores the score once and the answer says it was already stored; the first score under an id wins; an empty or
/// overlong id is refused naming <c>id</c>. Checked against the SQLite file of the app running on Kestrel.
/// </summary>
public sealed class RetriedScoreApiTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task PostScore_SameIdSentTwice_StoresOnceAndSaysAlreadyStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        var score = new { id = "retry-1", traceId, name = "helpfulness", value = 0.25 };

        var first = await PostAsync(score, HttpStatusCode.Created);
        var second = await PostAsync(score, HttpStatusCode.Created);

        Assert.False(first.GetProperty("alreadyStored").GetBoolean());
        Assert.True(second.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal("retry-1", second.GetProperty("clientId").GetString());
        Assert.Equal(first.GetProperty("id").GetInt64(), second.GetProperty("id").GetInt64());
        Assert.Equal(1, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
    }

    [Fact]
    public async Task PostScore_SameIdWithOtherContent_KeepsTheFirst()
    {
        var traceId = OtlpRequests.NewTraceId();
        await PostAsync(new { id = "keep-1", traceId, name = "helpfulness", value = 0.25 }, HttpStatusCode.Created);

        var changed = await PostAsync(
            new { id = "keep-1", traceId, name = "helpfulness", value = 0.9 },
            HttpStatusCode.Created);

        Assert.True(changed.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(0.25, changed.GetProperty("value").GetDouble());
        Assert.Equal(1, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
        Assert.Equal(25, await ScalarAsync(
            """SELECT CAST("Value" * 100 AS INTEGER) FROM "Scores" WHERE "TraceId" = $trace""",
            traceId));
    }

    [Fact]
    public async Task PostScore_IdAlreadySentThroughIngest_IsTheSameScore()
    {
        var traceId = OtlpRequests.NewTraceId();
        using var ingested = await _client.PostAsJsonAsync("api/ingest", new
        {
            scores = new[] { new { id = "shared-1", traceId, name = "tone", label = "polite" } },
        });
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);

        var retried = await PostAsync(
            new { id = "shared-1", traceId, name = "tone", label = "polite" },
            HttpStatusCode.Created);

        Assert.True(retried.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(1, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
    }

    [Fact]
    public async Task PostScore_WithoutId_IsStoredEachTimeItIsSent()
    {
        var traceId = OtlpRequests.NewTraceId();
        var score = new { traceId, name = "helpfulness", value = 0.5 };

        var first = await PostAsync(score, HttpStatusCode.Created);
        var second = await PostAsync(score, HttpStatusCode.Created);

        Assert.False(second.GetProperty("alreadyStored").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("clientId").ValueKind);
        Assert.Equal(2, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
    }

    [Fact]
    public async Task PostScore_SameIdSentConcurrently_StoresOne()
    {
        const int senders = 8;
        var traceId = OtlpRequests.NewTraceId();
        var score = new { id = "race-1", traceId, name = "helpfulness", value = 1 };

        var answers = await Task.WhenAll(
            Enumerable.Range(0, senders).Select(_ => PostAsync(score, HttpStatusCode.Created)));

        Assert.Single(answers, a => !a.GetProperty("alreadyStored").GetBoolean());
        Assert.Single(answers.Select(a => a.GetProperty("id").GetInt64()).Distinct());
        Assert.Equal(1, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
    }

    [Theory]
    [InlineData("", "'id' must not be empty; leave it out to send without an id.")]
    [InlineData("   ", "'id' must not be empty; leave it out to send without an id.")]
    [InlineData("LONG", "'id' must be at most 200 characters (was 201).")]
    public async Task PostScore_EmptyOrOverlongId_Is400NamingIdAndStoresNothing(string id, string message)
    {
        var traceId = OtlpRequests.NewTraceId();
        var score = new { id = id == "LONG" ? new string('x', 201) : id, traceId, name = "helpfulness", value = 1 };

        var problem = await PostAsync(score, HttpStatusCode.BadRequest);

        Assert.Equal(message, problem.GetProperty("errors").GetProperty("id")[0].GetString());
        Assert.Equal(0, await ScalarAsync("""SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace""", traceId));
    }

    private async Task<JsonElement> PostAsync(object score, HttpStatusCode expected)
    {
        using var response = await _client.PostAsJsonAsync("api/scores", score);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        return body;
    }

    private async Task<long> ScalarAsync(string sql, string traceId)
    {
        var store = Path.Combine(_app.DataDirectory, "llmobserve.db");
        await using var connection = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$trace", traceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
