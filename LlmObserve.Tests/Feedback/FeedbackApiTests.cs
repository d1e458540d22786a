using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Feedback;

/// <summary>
/// <c>POST /api/feedback</c> on the real app: what it refuses and why, feedback tied by trace id or by the
/// application's request id, in either order with the trace, across a restart, and the trace list's filter on it.
/// </summary>
public sealed class FeedbackApiTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> FastLinking = new()
    {
        ["LlmObserve:Feedback:LinkIntervalSeconds"] = "0.2",
    };

    private readonly List<RunningApp> _restarted = [];
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: FastLinking);
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var restarted in _restarted)
        {
            await restarted.StopAsync();
        }

        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"kind":"thumbs","value":1}""", "traceId", "Feedback needs a 'traceId' or a 'requestId'.")]
    [InlineData("""{"traceId":"xyz","kind":"thumbs","value":1}""", "traceId",
        "'traceId' must be 32 hexadecimal characters.")]
    [InlineData("""{"requestId":"r-1","value":1}""", "kind",
        "'kind' is required: one of thumbs, rating, comment, retry, rephrase, escalate, abandon, copy.")]
    [InlineData("""{"requestId":"r-1","kind":"like"}""", "kind",
        "'like' is not a kind of feedback: use one of thumbs, rating, comment, retry, rephrase, escalate, abandon, "
        + "copy.")]
    [InlineData("""{"requestId":"r-1","kind":"thumbs","value":"up"}""", "value",
        "'value' is not valid JSON of the expected type.")]
    [InlineData("""{"requestId":"r-1","kind":"rating","value":4,"time":"yesterday"}""", "time",
        "'time' is not valid JSON of the expected type.")]
    public async Task Post_BadInput_IsAProblemNamingTheField(string body, string field, string message)
    {
        using var response = await PostAsync(body);

        await AssertProblemAsync(response, field, message);
    }

    [Theory]
    [InlineData("""{"requestId":"r-1","kind":"thumbs","value":2}""",
        "2 is outside the range of thumbs: 1 (up) or -1 (down).")]
    [InlineData("""{"requestId":"r-1","kind":"thumbs"}""", "thumbs feedback needs a 'value': 1 (up) or -1 (down).")]
    [InlineData("""{"requestId":"r-1","kind":"rating","value":6}""",
        "6 is outside the range of a rating: a whole number from 1 to 5.")]
    [InlineData("""{"requestId":"r-1","kind":"rating","value":3.5}""",
        "3.5 is outside the range of a rating: a whole number from 1 to 5.")]
    [InlineData("""{"requestId":"r-1","kind":"retry","value":1}""", "retry is an event and carries no value.")]
    public async Task Post_ValueOutsideItsKindsRange_IsAProblemWithTheReason(string body, string message)
    {
        using var response = await PostAsync(body);

        await AssertProblemAsync(response, "value", message);
    }

    [Fact]
    public async Task Post_CommentWithoutText_IsAProblemNamingComment()
    {
        using var response = await PostAsync("""{"requestId":"r-1","kind":"comment","comment":"  "}""");

        await AssertProblemAsync(response, "comment", "comment feedback needs the 'comment' text.");
    }

    [Fact]
    public async Task Post_WithoutKey_Is401AndStoresNothing()
    {
        using var anonymous = _app.CreateClient(authenticated: false);

        using var response = await anonymous.PostAsync(
            "api/feedback",
            Json("""{"requestId":"r-anon","kind":"copy"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var stored = await _client.GetFromJsonAsync<JsonElement>("api/feedback?requestId=r-anon");
        Assert.Empty(stored.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Post_ByRequestIdOfAStoredTrace_IsLinkedAtOnceAndShownOnTheTrace()
    {
        var traceId = await IngestTraceAsync("req-early", "early");

        using var response = await PostAsync(
            """
            {"requestId":"req-early","kind":"thumbs","value":-1,"comment":"wrong plan","userId":"u-9",
             "time":"2026-12-01T10:00:00Z"}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.GetProperty("linked").GetBoolean());
        Assert.Equal(traceId, created.GetProperty("traceId").GetString());
        var trace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{traceId}");
        var feedback = Assert.Single(trace.GetProperty("feedback").EnumerateArray());
        Assert.Equal("thumbs", feedback.GetProperty("kind").GetString());
        Assert.Equal(-1, feedback.GetProperty("value").GetDouble());
        Assert.Equal("wrong plan", feedback.GetProperty("comment").GetString());
        Assert.Equal("u-9", feedback.GetProperty("userId").GetString());
        Assert.Equal("req-early", feedback.GetProperty("requestId").GetString());
        Assert.Equal(
            new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
            feedback.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Post_BeforeTheTrace_IsPendingAcrossARestartAndLinkedWhenTheTraceArrives()
    {
        var lateTraceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using (var byRequest = await PostAsync("""{"requestId":"req-late","kind":"rating","value":2}"""))
        using (var byTrace = await PostAsync($$"""{"traceId":"{{lateTraceId}}","kind":"rephrase"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, byRequest.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, byTrace.StatusCode);
            var pending = await byRequest.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(pending.GetProperty("linked").GetBoolean());
            Assert.Equal(JsonValueKind.Null, pending.GetProperty("traceId").ValueKind);
        }

        var pendingBefore = await _client.GetFromJsonAsync<JsonElement>("api/feedback?pending=true");
        Assert.Equal(2, pendingBefore.GetProperty("data").GetArrayLength());

        await RestartAsync();
        var requestTraceId = await IngestTraceAsync("req-late", "late by request id");
        await IngestTraceAsync(null, "late by trace id", lateTraceId);

        await Poll.UntilAsync(
            async () => (await _client.GetFromJsonAsync<JsonElement>("api/feedback?pending=true"))
                .GetProperty("data").GetArrayLength() == 0,
            "the pending feedback to be linked");
        var byRequestTrace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{requestTraceId}");
        var rating = Assert.Single(byRequestTrace.GetProperty("feedback").EnumerateArray());
        Assert.Equal("rating", rating.GetProperty("kind").GetString());
        Assert.Equal(2, rating.GetProperty("value").GetDouble());
        var byIdTrace = await _client.GetFromJsonAsync<JsonElement>($"api/traces/{lateTraceId}");
        Assert.Equal("rephrase", Assert.Single(byIdTrace.GetProperty("feedback").EnumerateArray())
            .GetProperty("kind").GetString());
    }

    [Fact]
    public async Task TraceList_FeedbackFilter_PicksTracesByWhatTheirUsersSaid()
    {
        var down = await IngestTraceAsync("f-down", "down");
        var up = await IngestTraceAsync("f-up", "up");
        var lowRating = await IngestTraceAsync("f-low", "low");
        var copied = await IngestTraceAsync("f-copy", "copied");
        await IngestTraceAsync("f-none", "none");
        foreach (var body in new[]
        {
            """{"requestId":"f-down","kind":"thumbs","value":-1}""",
            """{"requestId":"f-up","kind":"thumbs","value":1}""",
            """{"requestId":"f-low","kind":"rating","value":1}""",
            """{"requestId":"f-copy","kind":"copy"}""",
        })
        {
            using var response = await PostAsync(body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var negative = await TraceIdsAsync("feedback=negative");
        var positive = await TraceIdsAsync("feedback=positive");
        var copies = await TraceIdsAsync("feedback=copy");
        var any = await TraceIdsAsync("feedback=any");
        using var bad = await _client.GetAsync("api/traces?feedback=sad");

        Assert.Equal(new[] { down, lowRating }.Order(), negative.Order());
        Assert.Equal([up], positive);
        Assert.Equal([copied], copies);
        Assert.Equal(new[] { down, up, lowRating, copied }.Order(), any.Order());
        await AssertProblemAsync(
            bad,
            "feedback",
            "'feedback' must be one of any, negative, positive, thumbs, rating, comment, retry, rephrase, escalate, "
            + "abandon, copy.");
    }

    [Fact]
    public async Task Post_SameIdTwice_StoresOnceAndAnswersTheRetryAsTheFirstSend()
    {
        const string body = """{"id":"fb-retry-1","requestId":"req-retry","kind":"thumbs","value":-1}""";
        using var first = await PostAsync(body);
        var stored = await first.Content.ReadFromJsonAsync<JsonElement>();

        using var retry = await PostAsync(
            """{"id":"fb-retry-1","requestId":"req-retry","kind":"thumbs","value":1,"comment":"changed"}""");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(stored.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal("fb-retry-1", again.GetProperty("clientId").GetString());
        Assert.Equal(-1, again.GetProperty("value").GetDouble());
        var listed = await _client.GetFromJsonAsync<JsonElement>("api/feedback?requestId=req-retry");
        Assert.Single(listed.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Post_SameIdConcurrently_StoresOne()
    {
        const string body = """{"id":"fb-race","requestId":"req-race","kind":"rating","value":2}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(body)));

        var ids = new HashSet<long>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
            response.Dispose();
        }

        Assert.Single(ids);
        var listed = await _client.GetFromJsonAsync<JsonElement>("api/feedback?requestId=req-race");
        Assert.Single(listed.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Post_WithoutId_StoresEachSend()
    {
        const string body = """{"requestId":"req-no-id","kind":"copy"}""";

        using var first = await PostAsync(body);
        using var second = await PostAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var listed = await _client.GetFromJsonAsync<JsonElement>("api/feedback?requestId=req-no-id");
        Assert.Equal(2, listed.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Post_OverlongId_IsAProblemNamingIdAndStoresNothing()
    {
        var id = new string('z', 201);

        using var response = await PostAsync($$"""{"id":"{{id}}","requestId":"req-long-id","kind":"copy"}""");

        await AssertProblemAsync(response, "id", "'id' must be at most 200 characters (was 201).");
        var listed = await _client.GetFromJsonAsync<JsonElement>("api/feedback?requestId=req-long-id");
        Assert.Empty(listed.GetProperty("data").EnumerateArray());
    }

    private async Task RestartAsync()
    {
        var directory = _app.DataDirectory;
        _client.Dispose();
        await _app.StopAsync();
        var restarted = await RunningApp.StartAsync(directory, FastLinking);

        // The first instance owns the temporary folder; the second reuses it and the first deletes it at the end.
        _restarted.Add(restarted);
        _client = restarted.CreateClient();
    }

    private async Task<string> IngestTraceAsync(string? requestId, string name, string? traceId = null)
    {
        var trace = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["input"] = "question " + name,
            ["output"] = "answer " + name,
            ["metadata"] = requestId is null ? null : new { request_id = requestId },
        };
        if (traceId is not null)
        {
            trace["id"] = traceId;
        }

        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces = new[] { trace } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("traceIds")[0].GetString()!;
    }

    private async Task<string[]> TraceIdsAsync(string query)
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("api/traces?" + query);
        return [.. list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("traceId").GetString()!)];
    }

    private Task<HttpResponseMessage> PostAsync(string body) => _client.PostAsync("api/feedback", Json(body));

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
