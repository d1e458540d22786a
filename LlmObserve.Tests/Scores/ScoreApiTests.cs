using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Scores;

/// <summary>
/// Scores sent through <c>POST /api/ingest</c> are filtered, sorted and shown by <c>GET /api/traces</c>, and summed
/// exactly by <c>GET /api/metrics/quality</c>; what cannot be read is a problem naming its parameter.
/// </summary>
public sealed class ScoreApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();

        // Four answers of a support assistant: two releases, two models, production and staging.
        await IngestAsync(
            [
                TraceBody(1, 0, "production", "v1", "gpt-4o"),
                TraceBody(2, 1, "production", "v2", "gpt-4o"),
                TraceBody(3, 2, "staging", "v2", "claude-sonnet-4"),
                TraceBody(4, 3, "production", "v2", "claude-sonnet-4"),
            ],
            [
                ScoreBody(1, "groundedness", 0.25, "hallucinated"),
                ScoreBody(2, "groundedness", 0.75, "grounded"),
                ScoreBody(3, "groundedness", 0.5, "hallucinated"),
                ScoreBody(3, "groundedness", 1.0, "grounded"),
                ScoreBody(4, "relevance", 1.0, null),
                ScoreBody(4, "language", null, "en"),
            ]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Traces_ScoreRange_FindsTheTraceAndShowsItsScores()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>(
            "api/traces?range=all&scoreName=groundedness&minScore=0&maxScore=0.3");

        var row = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(TraceId(1), row.GetProperty("traceId").GetString());
        var score = Assert.Single(row.GetProperty("scores").EnumerateArray());
        Assert.Equal("groundedness", score.GetProperty("name").GetString());
        Assert.Equal(0.25, score.GetProperty("mean").GetDouble());
        Assert.Equal(1, score.GetProperty("count").GetInt32());
        Assert.Equal(["hallucinated"], score.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Traces_SortByScoreAndLabelFilter_OrderAndMatchAsStored()
    {
        var ascending = await TraceIdsAsync("api/traces?scoreName=groundedness&sort=score&order=asc");
        var labelled = await TraceIdsAsync("api/traces?scoreName=groundedness&scoreLabel=hallucinated");
        var labelOnly = await TraceIdsAsync("api/traces?scoreName=language&scoreLabel=en");
        var count = await _client.GetFromJsonAsync<JsonElement>("api/traces/count?scoreName=groundedness");

        // Trace 3's mean is 0.75, as is trace 2's: the trace id breaks the tie.
        Assert.Equal([TraceId(1), TraceId(2), TraceId(3)], ascending);
        Assert.Equal([TraceId(3), TraceId(1)], labelled);
        Assert.Equal([TraceId(4)], labelOnly);
        Assert.Equal(3, count.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("scoreName=g&minScore=high", "minScore", "'minScore' must be a number.")]
    [InlineData("minScore=0.5", "scoreName", "'scoreName' is needed to bound a score.")]
    [InlineData("scoreLabel=hallucinated", "scoreName", "'scoreName' is needed to filter on a score label.")]
    [InlineData("sort=score", "sort", "'sort=score' orders by the score named in 'scoreName'; set 'scoreName'.")]
    [InlineData("scoreName=g&minScore=0.9&maxScore=0.1", "maxScore", "'maxScore' must not be below 'minScore'.")]
    public async Task Traces_BadScoreParameters_AreProblemsNamingTheParameter(
        string query,
        string parameter,
        string message)
    {
        using var response = await _client.GetAsync("api/traces?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task Quality_SplitByRelease_MeansAndHallucinationRatesAreExact()
    {
        var quality = await _client.GetFromJsonAsync<JsonElement>(
            $"api/metrics/quality?from={Iso(Start)}&to={Iso(Start.AddMinutes(10))}&split=release");

        Assert.Equal("release", quality.GetProperty("split").GetString());
        var scores = quality.GetProperty("scores").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["groundedness", "language", "relevance"], scores.Keys.Order());
        var grounded = scores["groundedness"];
        Assert.True(grounded.GetProperty("isHallucinationType").GetBoolean());
        var total = grounded.GetProperty("total").GetProperty("total");
        Assert.Equal((4, 0.625, 4, 2, 0.5), Point(total));
        var releases = grounded.GetProperty("splits").EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString()!, s => Point(s.GetProperty("total")));
        Assert.Equal((1, 0.25, 1, 1, 1.0), releases["v1"]);
        Assert.Equal((3, 0.75, 3, 1, 1.0 / 3), releases["v2"]);
        var language = scores["language"].GetProperty("total").GetProperty("total");
        Assert.Equal(JsonValueKind.Null, language.GetProperty("mean").ValueKind);
        Assert.Equal(0.0, language.GetProperty("failureRate").GetDouble());
        Assert.Equal(["v1", "v2"], quality.GetProperty("releases").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Quality_FilteredByModel_CountsOnlyThatModelsTraces()
    {
        var quality = await _client.GetFromJsonAsync<JsonElement>(
            $"api/metrics/quality?from={Iso(Start)}&to={Iso(Start.AddMinutes(10))}&model=claude-sonnet-4");

        var grounded = quality.GetProperty("scores").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "groundedness");
        Assert.Equal((2, 0.75, 2, 1, 0.5), Point(grounded.GetProperty("total").GetProperty("total")));
    }

    [Theory]
    [InlineData("split=user", "split", "'split' must be environment, release or model.")]
    [InlineData("range=2w", "range", "'range' must be one of 1h, 6h, 24h, 7d, 30d, 90d.")]
    [InlineData("scoreName=x", "scoreName", "'scoreName' is not a parameter of the quality view; use range, from, to, "
        + "split, environment, release, model.")]
    public async Task Quality_BadParameters_AreProblemsNamingTheParameter(
        string query,
        string parameter,
        string message)
    {
        using var response = await _client.GetAsync("api/metrics/quality?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    private static (int Count, double? Mean, int Labelled, int Failing, double? Rate) Point(JsonElement point)
        => (
            point.GetProperty("count").GetInt32(),
            point.GetProperty("mean").ValueKind == JsonValueKind.Null ? null : point.GetProperty("mean").GetDouble(),
            point.GetProperty("labelled").GetInt32(),
            point.GetProperty("failing").GetInt32(),
            point.GetProperty("failureRate").ValueKind == JsonValueKind.Null
                ? null
                : point.GetProperty("failureRate").GetDouble());

    private static string TraceId(int n) => "5c0e" + n.ToString("x28", CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset time)
        => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static object TraceBody(int n, int minute, string environment, string release, string model) => new
    {
        id = TraceId(n),
        name = "support-chat",
        environment,
        release,
        startTime = Start.AddMinutes(minute),
        endTime = Start.AddMinutes(minute).AddSeconds(2),
        input = "Where is my order?",
        output = "It ships tomorrow.",
        spans = new[]
        {
            new { name = "chat " + model, type = "generation", model, usage = new { input = 40, output = 10 } },
        },
    };

    private static object ScoreBody(int n, string name, double? value, string? label)
        => new { traceId = TraceId(n), name, value, label, explanation = "Because." };

    private async Task IngestAsync(object[] traces, object[] scores)
    {
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces, scores });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<string>> TraceIdsAsync(string path)
    {
        var list = await _client.GetFromJsonAsync<JsonElement>(path + "&range=all");
        return [.. list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("traceId").GetString()!)];
    }
}
