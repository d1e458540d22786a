using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>
/// A client that retries <c>POST /api/ingest</c> re-sends its scores and feedback: with their own ids they are
/// stored once and the answer says so; without ids they are stored as often as sent, as before. Checked against the
/// SQLite file of the app running on Kestrel.
/// </summary>
public sealed class RetriedScoresAndFeedbackTests : IAsyncLifetime
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
    public async Task Ingest_SameBatchSentTwice_StoresEachScoreAndFeedbackOnceAndSaysAlreadyStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        var batch = Batch(traceId, "s-1", "s-2", "f-1");

        var first = await IngestAsync(batch, HttpStatusCode.OK);
        var second = await IngestAsync(batch, HttpStatusCode.OK);

        AssertCounts(first, scores: 2, scoresAlreadyStored: 0, feedback: 1, feedbackAlreadyStored: 0);
        AssertCounts(second, scores: 0, scoresAlreadyStored: 2, feedback: 0, feedbackAlreadyStored: 1);
        Assert.Equal(1, second.GetProperty("spansAlreadyStored").GetInt32());
        Assert.Equal(2, await CountAsync("Scores", traceId));
        Assert.Equal(1, await CountAsync("Feedback", traceId));
        var trace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{traceId}");
        Assert.Single(trace.GetProperty("feedback").EnumerateArray());
        Assert.Equal(2, trace.GetProperty("scores").GetArrayLength());

        // The trace list's aggregate counts each score once: the mean stays the first send's.
        Assert.Equal(1, await ScalarAsync(
            """SELECT "Count" FROM "TraceScores" WHERE "TraceId" = $trace AND "Name" = 'helpfulness'""",
            traceId));
    }

    [Fact]
    public async Task Ingest_ItemsWithoutIds_AreStoredEachTimeTheyAreSent()
    {
        var traceId = OtlpRequests.NewTraceId();
        var batch = Batch(traceId, null, null, null);

        var first = await IngestAsync(batch, HttpStatusCode.OK);
        var second = await IngestAsync(batch, HttpStatusCode.OK);

        AssertCounts(first, scores: 2, scoresAlreadyStored: 0, feedback: 1, feedbackAlreadyStored: 0);
        AssertCounts(second, scores: 2, scoresAlreadyStored: 0, feedback: 1, feedbackAlreadyStored: 0);
        Assert.Equal(4, await CountAsync("Scores", traceId));
        Assert.Equal(2, await CountAsync("Feedback", traceId));
    }

    [Fact]
    public async Task Ingest_SameIdWithOtherContent_KeepsTheFirstAndSaysAlreadyStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        await IngestAsync(Batch(traceId, "keep-1", null, "keep-f", thumbs: 1), HttpStatusCode.OK);

        var changed = await IngestAsync(Batch(traceId, "keep-1", null, "keep-f", thumbs: -1), HttpStatusCode.OK);

        AssertCounts(changed, scores: 1, scoresAlreadyStored: 1, feedback: 0, feedbackAlreadyStored: 1);
        Assert.Equal(1, await ScalarAsync(
            """SELECT "Value" FROM "Feedback" WHERE "TraceId" = $trace AND "ClientId" = 'keep-f'""",
            traceId));
        Assert.Equal(1, await ScalarAsync(
            """SELECT count(*) FROM "Scores" WHERE "TraceId" = $trace AND "ClientId" = 'keep-1'""",
            traceId));
    }

    [Fact]
    public async Task Ingest_OverlongOrEmptyId_IsRefusedNamingTheFieldWhileTheRestIsStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        var batch = new
        {
            scores = new object[]
            {
                new { id = new string('x', 201), traceId, name = "too-long", value = 1 },
                new { id = "fine-1", traceId, name = "fine", value = 1 },
            },
            feedback = new object[]
            {
                new { id = "  ", traceId, kind = "copy" },
                new { id = new string('y', 200), traceId, kind = "retry" },
            },
        };

        var answer = await IngestAsync(batch, HttpStatusCode.MultiStatus);

        AssertCounts(answer, scores: 1, scoresAlreadyStored: 0, feedback: 1, feedbackAlreadyStored: 0);
        var errors = answer.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Equal("must be at most 200 characters (was 201).", errors["$.scores[0].id"]);
        Assert.Equal("must not be empty; leave it out to send without an id.", errors["$.feedback[0].id"]);
        Assert.Equal(2, errors.Count);
        Assert.Equal(1, await CountAsync("Scores", traceId));
        Assert.Equal(1, await CountAsync("Feedback", traceId));
    }

    [Fact]
    public async Task Ingest_SameBatchSentConcurrently_StoresOneOfEach()
    {
        const int senders = 8;
        var traceId = OtlpRequests.NewTraceId();
        var batch = Batch(traceId, "race-s1", "race-s2", "race-f");

        var answers = await Task.WhenAll(
            Enumerable.Range(0, senders).Select(_ => IngestAsync(batch, HttpStatusCode.OK)));

        Assert.Equal(2, answers.Sum(a => a.GetProperty("scores").GetInt32()));
        Assert.Equal(2 * (senders - 1), answers.Sum(a => a.GetProperty("scoresAlreadyStored").GetInt32()));
        Assert.Equal(1, answers.Sum(a => a.GetProperty("feedback").GetInt32()));
        Assert.Equal(senders - 1, answers.Sum(a => a.GetProperty("feedbackAlreadyStored").GetInt32()));
        Assert.Equal(2, await CountAsync("Scores", traceId));
        Assert.Equal(1, await CountAsync("Feedback", traceId));
    }

    private static object Batch(string traceId, string? scoreId1, string? scoreId2, string? feedbackId, int thumbs = -1)
        => new
        {
            traces = new[] { new { id = traceId, name = "retried", input = "q", output = "a" } },
            scores = new object[]
            {
                new { id = scoreId1, traceId, name = "helpfulness", value = 0.25 },
                new { id = scoreId2, traceId, name = "tone", label = "rude" },
            },
            feedback = new[] { new { id = feedbackId, traceId, kind = "thumbs", value = thumbs } },
        };

    private static void AssertCounts(
        JsonElement answer,
        int scores,
        int scoresAlreadyStored,
        int feedback,
        int feedbackAlreadyStored)
    {
        Assert.Equal(scores, answer.GetProperty("scores").GetInt32());
        Assert.Equal(scoresAlreadyStored, answer.GetProperty("scoresAlreadyStored").GetInt32());
        Assert.Equal(feedback, answer.GetProperty("feedback").GetInt32());
        Assert.Equal(feedbackAlreadyStored, answer.GetProperty("feedbackAlreadyStored").GetInt32());
    }

    private async Task<JsonElement> IngestAsync(object batch, HttpStatusCode expected)
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", batch);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        return body;
    }

    private Task<long> CountAsync(string table, string traceId)
        => ScalarAsync($"""SELECT count(*) FROM "{table}" WHERE "TraceId" = $trace""", traceId);

    private async Task<long> ScalarAsync(string sql, string traceId)
    {
        var store = Path.Combine(_app.DataDirectory, "llmobserve.db");
        await using var connection = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$trace", traceId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
