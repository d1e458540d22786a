using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Datasets;

/// <summary>The dataset API on the real app: versions, imports that refuse broken rows, and file round trips.</summary>
public sealed class DatasetApiTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
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
    public async Task Changes_EachMakeANewVersion_AndOldVersionsStillReadTheirItems()
    {
        var id = await CreateDatasetAsync("versions");

        var first = await AddAsync(id, "What is 2+2?", "4");
        await AddAsync(id, "Capital of France?", "Paris");
        var edit = await _client.PutAsJsonAsync(
            $"api/datasets/{id}/items/{first}/expected-output",
            new { expectedOutput = "four" });
        var delete = await _client.DeleteAsync(new Uri($"api/datasets/{id}/items/{first}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        var v1 = await GetAsync(id, 1);
        var v3 = await GetAsync(id, 3);
        var current = await GetAsync(id, null);
        Assert.Equal(4, current.GetProperty("dataset").GetProperty("version").GetInt32());
        Assert.Equal(["4"], Expected(v1));
        Assert.Equal(["four", "Paris"], Expected(v3));
        Assert.Equal(["Paris"], Expected(current));
        var tooNew = await _client.GetAsync(new Uri($"api/datasets/{id}?version=9", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, tooNew.StatusCode);
        Assert.Contains("version 4", await tooNew.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BrokenRows_ReportsRowNumbersAndImportsNothingUnlessSkipping()
    {
        var id = await CreateDatasetAsync("imports");
        const string csv = "input,expected_output,metadata\n"
            + "Good one,yes,\n"
            + ",missing input,\n"
            + "Bad metadata,x,\"[1,2]\"\n"
            + "Good two,no,\"{\"\"team\"\":\"\"a\"\"}\"\n";

        var refused = await ImportAsync(id, "csv", csv, skip: false);
        var afterRefusal = await GetAsync(id, null);
        var skipped = await ImportAsync(id, "csv", csv, skip: true);
        var jsonl = await ImportAsync(id, "jsonl", "{\"input\":\"ok\"}\nnot json\n", skip: false);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var rows = problem.GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal([2, 3], rows.Select(r => r.Item1));
        Assert.Contains("'input' is empty", rows[0].Item2, StringComparison.Ordinal);
        Assert.Contains("'metadata' is not a JSON object", rows[1].Item2, StringComparison.Ordinal);
        Assert.StartsWith("Row 2:", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, afterRefusal.GetProperty("items").GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        var result = await skipped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Equal(2, result.GetProperty("errors").GetArrayLength());
        Assert.Equal(["yes", "no"], Expected(await GetAsync(id, null)));

        Assert.Equal(HttpStatusCode.BadRequest, jsonl.StatusCode);
        Assert.Contains("Row 2:", await jsonl.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task ExportThenImport_RoundTripsEveryField(string format)
    {
        var source = await CreateDatasetAsync("source-" + format);
        var response = await _client.PostAsJsonAsync($"api/datasets/{source}/items", new
        {
            input = "Quote \"this\", with a comma\nand a new line",
            context = new[] { "Doc one, with comma", "Doc \"two\"" },
            expectedOutput = "Ünïcode ✓",
            metadata = new Dictionary<string, string> { ["team"] = "search", ["ticket"] = "T-1" },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var file = await _client.GetStringAsync($"api/datasets/{source}/export?format={format}");
        var copy = await CreateDatasetAsync("copy-" + format);
        var import = await ImportAsync(copy, format, file, skip: false);

        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var original = (await GetAsync(source, null)).GetProperty("items")[0];
        var imported = (await GetAsync(copy, null)).GetProperty("items")[0];
        foreach (var field in new[] { "input", "context", "expectedOutput", "metadata" })
        {
            Assert.Equal(original.GetProperty(field).GetRawText(), imported.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task AddFromTrace_KeepsInputContextOutputAndSource_AndRefusesUnknownTrace()
    {
        var id = await CreateDatasetAsync("from traces");
        var trace = TestTrace.Rag();
        var ingest = await _client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[]
            {
                new
                {
                    id = trace.Id,
                    name = trace.Name,
                    input = trace.Input,
                    output = trace.Output,
                    spans = new object[] { new { name = "retrieve", type = "retrieval", documents = trace.Context } },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);

        var added = await _client.PostAsJsonAsync($"api/datasets/{id}/items/from-trace", new { traceId = trace.Id });
        var unknown = await _client.PostAsJsonAsync(
            $"api/datasets/{id}/items/from-trace",
            new { traceId = new string('a', 32) });
        var malformed = await _client.PostAsJsonAsync($"api/datasets/{id}/items/from-trace", new { traceId = "x" });

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var item = (await GetAsync(id, null)).GetProperty("items")[0];
        Assert.Equal(trace.Input, item.GetProperty("input").GetString());
        Assert.Equal(trace.Output, item.GetProperty("expectedOutput").GetString());
        Assert.Equal(trace.Context![0], item.GetProperty("context")[0].GetString());
        Assert.Equal(trace.Id, item.GetProperty("sourceTraceId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No trace", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("traceId", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFromAnnotationItem_Labelled_TakesTheReviewersCorrectionAndLabels_Unlabelled_Refused()
    {
        var id = await CreateDatasetAsync("from reviews");
        var trace = TestTrace.WithoutContext();
        var ingest = await _client.PostAsJsonAsync("api/ingest", new
        {
            traces = new[] { new { id = trace.Id, name = "poem", input = trace.Input, output = trace.Output } },
        });
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        var queue = await _client.PostAsJsonAsync("api/annotation-queues", new
        {
            name = "review",
            filter = "name=poem",
            scoreConfigs = new object[]
            {
                new { name = "correct", kind = "boolean" },
                new { name = "fix", kind = "text" },
            },
        });
        var queueId = (await queue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var next = await _client.PostAsJsonAsync($"api/annotation-queues/{queueId}/next", new { reviewer = "Ann" });
        var itemId = (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemId").GetInt64();

        var unlabelled = await _client.PostAsJsonAsync(
            $"api/datasets/{id}/items/from-annotation",
            new { annotationItemId = itemId });
        var label = await _client.PostAsJsonAsync(
            $"api/annotation-queues/{queueId}/items/{itemId}/labels",
            new { reviewer = "Ann", values = new { correct = "false", fix = "A haiku has 5-7-5 syllables." } });
        var labelled = await _client.PostAsJsonAsync(
            $"api/datasets/{id}/items/from-annotation",
            new { annotationItemId = itemId });

        Assert.Equal(HttpStatusCode.BadRequest, unlabelled.StatusCode);
        Assert.Contains("no labels yet", await unlabelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, label.StatusCode);
        Assert.Equal(HttpStatusCode.OK, labelled.StatusCode);
        var item = (await GetAsync(id, null)).GetProperty("items")[0];
        Assert.Equal("A haiku has 5-7-5 syllables.", item.GetProperty("expectedOutput").GetString());
        Assert.Equal("false", item.GetProperty("metadata").GetProperty("label.correct").GetString());
        Assert.Equal(itemId, item.GetProperty("sourceAnnotationItemId").GetInt64());
        Assert.Equal(trace.Id, item.GetProperty("sourceTraceId").GetString());
    }

    private async Task<string> CreateDatasetAsync(string name)
    {
        var response = await _client.PostAsJsonAsync("api/datasets", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<string> AddAsync(string id, string input, string expected)
    {
        var response = await _client.PostAsJsonAsync(
            $"api/datasets/{id}/items",
            new { input, expectedOutput = expected });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("item").GetProperty("id")
            .GetString()!;
    }

    private async Task<JsonElement> GetAsync(string id, int? version)
        => await _client.GetFromJsonAsync<JsonElement>(
            version is null ? $"api/datasets/{id}" : $"api/datasets/{id}?version={version}",
            Json);

    private async Task<HttpResponseMessage> ImportAsync(string id, string format, string text, bool skip)
        => await _client.PostAsync(
            new Uri($"api/datasets/{id}/import?format={format}&skipBadRows={(skip ? "true" : "false")}",
                UriKind.Relative),
            new StringContent(text, Encoding.UTF8, "text/plain"));

    private static List<string?> Expected(JsonElement detail)
        => [.. detail.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("expectedOutput").GetString())];
}
