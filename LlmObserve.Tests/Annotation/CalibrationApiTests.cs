using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// <c>GET /api/calibration</c> on the real app: a judge's verdicts against labels a reviewer gave through the
/// annotation queue, and a judge without labels reported as not enough labels.
/// </summary>
public sealed class CalibrationApiTests : IAsyncLifetime
{
    // Per trace: the judge's verdict (correct or not) and the reviewer's. 4 both fail, 1 judge fail / human pass,
    // 2 judge pass / human fail, 5 both pass.
    private static readonly (bool Judge, bool Human)[] Verdicts =
    [
        (false, false), (false, false), (false, false), (false, false), (false, true),
        (true, false), (true, false),
        (true, true), (true, true), (true, true), (true, true), (true, true),
    ];

    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private string[] _traceIds = [];

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
        var traces = Verdicts.Select((_, n) => new
        {
            name = "support",
            input = $"Question {n}?",
            output = $"Answer {n}.",
            startTime = DateTimeOffset.UtcNow.AddMinutes(-30 + n),
        });
        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        _traceIds = [.. body.GetProperty("traceIds").EnumerateArray().Select(t => t.GetString()!)];
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_AJudgeAgainstQueueLabels_GivesTheMatrixKappaAndFailingClassFigures()
    {
        var judge = await CalibrationTestData.AddJudgeAsync(_app, "correctness", "correctness");
        var unlabelled = await CalibrationTestData.AddJudgeAsync(_app, "safety", "safety");
        for (var i = 0; i < _traceIds.Length; i++)
        {
            var correct = Verdicts[i].Judge;
            await CalibrationTestData.AddVerdictAsync(
                _app, judge, "correctness", _traceIds[i], correct ? "correct" : "incorrect", correct ? 1 : 0);
            await CalibrationTestData.AddVerdictAsync(_app, unlabelled, "safety", _traceIds[i], "safe", 1);
        }

        var queue = await CreateQueueAsync();
        while (await NextAsync(queue) is { } item)
        {
            var human = Verdicts[Array.IndexOf(_traceIds, item.TraceId)].Human;
            using var label = await _client.PostAsJsonAsync(
                $"api/annotation-queues/{queue}/items/{item.ItemId}/labels",
                new { reviewer = "Ann", values = new { correctness = human } });
            Assert.Equal(HttpStatusCode.OK, label.StatusCode);
        }

        var report = await _client.GetFromJsonAsync<JsonElement>("api/calibration?days=7&bucket=day");

        Assert.Equal(10, report.GetProperty("minimumPairs").GetInt32());
        var evaluators = report.GetProperty("evaluators").EnumerateArray().ToList();
        Assert.Equal(["correctness", "safety"], evaluators.Select(e => e.GetProperty("name").GetString()));
        var overall = evaluators[0].GetProperty("overall");
        Assert.True(overall.GetProperty("enough").GetBoolean());
        Assert.Equal(12, overall.GetProperty("pairs").GetInt32());
        var matrix = overall.GetProperty("matrix");
        Assert.Equal(
            (4, 1, 2, 5),
            (matrix.GetProperty("bothFail").GetInt32(), matrix.GetProperty("judgeFailHumanPass").GetInt32(),
                matrix.GetProperty("judgePassHumanFail").GetInt32(), matrix.GetProperty("bothPass").GetInt32()));
        Assert.Equal(0.5, overall.GetProperty("cohenKappa").GetDouble(), 9);
        Assert.Equal(0.75, overall.GetProperty("agreementRate").GetDouble(), 9);
        Assert.Equal(0.8, overall.GetProperty("failPrecision").GetDouble(), 9);
        Assert.Equal(4 / 6.0, overall.GetProperty("failRecall").GetDouble(), 9);
        var version = Assert.Single(evaluators[0].GetProperty("versions").EnumerateArray());
        Assert.Equal("1", version.GetProperty("version").GetString());
        var point = Assert.Single(evaluators[0].GetProperty("timeline").EnumerateArray());
        Assert.Equal(12, point.GetProperty("figures").GetProperty("pairs").GetInt32());
        var none = evaluators[1].GetProperty("overall");
        Assert.False(none.GetProperty("enough").GetBoolean());
        Assert.Equal(0, none.GetProperty("pairs").GetInt32());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("matrix").ValueKind);
    }

    [Fact]
    public async Task Get_BadParameters_IsAProblemNamingEachOne()
    {
        using var response = await _client.GetAsync("api/calibration?days=0&bucket=month&colour=red");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["bucket", "colour", "days"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("'days' must be a whole number from 1 to 400.", errors.GetProperty("days")[0].GetString());
    }

    [Fact]
    public async Task Get_WithoutAKey_IsUnauthorized()
    {
        using var anonymous = _app.CreateClient(authenticated: false);

        using var response = await anonymous.GetAsync("api/calibration");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<string> CreateQueueAsync()
    {
        using var response = await _client.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "correctness check",
            filter = "name=support",
            scoreConfigs = new[] { new { name = "correctness", kind = "boolean" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<(long ItemId, string TraceId)?> NextAsync(string queue)
    {
        using var response = await _client.PostAsJsonAsync(
            $"api/annotation-queues/{queue}/next",
            new { reviewer = "Ann" });
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (item.GetProperty("itemId").GetInt64(), item.GetProperty("traceId").GetString()!);
    }
}
