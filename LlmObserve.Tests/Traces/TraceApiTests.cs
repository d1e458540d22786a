using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmObserve.Tests.Traces;

public sealed class TraceApiTests(TraceApiFixture fixture) : IClassFixture<TraceApiFixture>
{
    private const int AllOwnTraces = 4 + TraceApiFixture.FillerCount + 1;

    [Fact]
    public async Task List_NoFilter_ReturnsOwnProjectNewestFirst()
    {
        using var client = fixture.App.CreateClient();

        var body = await GetListAsync(client, "api/traces?limit=500");

        Assert.Equal(AllOwnTraces, body.Data.Count);
        Assert.DoesNotContain(TraceStore.TraceId(TraceApiFixture.OtherProjectTrace), body.Data.Select(t => t.TraceId));
        Assert.True(body.Data.Zip(body.Data.Skip(1)).All(p => p.First.StartTime >= p.Second.StartTime));
        Assert.Null(body.NextCursor);
    }

    [Theory]
    [InlineData("name=chat", new[] { 4, 2, 1 })]
    [InlineData("sessionId=s-1", new[] { 2, 1 })]
    [InlineData("userId=u-1", new[] { 3, 1 })]
    [InlineData("model=gpt-4o", new[] { 2, 1 })]
    [InlineData("model=claude-3-haiku", new[] { 2 })]
    [InlineData("tag=prod", new[] { 3, 1 })]
    [InlineData("tag=vip", new[] { 1 })]
    [InlineData("status=error", new[] { 2 })]
    [InlineData("status=unset", new[] { 4 })]
    [InlineData("environment=staging", new[] { 2 })]
    [InlineData("release=r1", new[] { 3, 1 })]
    [InlineData("minLatencyMs=800", new[] { 3, 2 })]
    [InlineData("maxLatencyMs=100", new[] { 4, 1 })]
    [InlineData("minCost=0.05", new[] { 4, 2 })]
    [InlineData("maxCost=0.05", new[] { 4, 1 })]
    [InlineData("search=password", new[] { 3, 1 })]
    [InlineData("search=100%25", new[] { 4, 2 })]
    [InlineData("from=2026-11-20T09:01:00Z&to=2026-11-20T09:03:00Z", new[] { 3, 2 })]
    [InlineData("name=chat&status=ok", new[] { 1 })]
    public async Task List_Filter_ReturnsOnlyMatchingTraces(string query, int[] expected)
    {
        using var client = fixture.App.CreateClient();

        var body = await GetListAsync(client, "api/traces?limit=500&" + query);

        Assert.Equal(expected.Select(TraceStore.TraceId), body.Data.Select(t => t.TraceId));
    }

    [Fact]
    public async Task List_CursorPages_CoverEveryTraceOnceInOrder()
    {
        using var client = fixture.App.CreateClient();
        var all = await GetListAsync(client, "api/traces?limit=500");

        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var after = cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor);
            var page = await GetListAsync(client, "api/traces?limit=7" + after);
            Assert.True(page.Data.Count <= 7);
            paged.AddRange(page.Data.Select(t => t.TraceId));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.Equal(all.Data.Select(t => t.TraceId), paged);
        Assert.Equal(paged.Count, paged.Distinct().Count());
        Assert.Equal((AllOwnTraces + 6) / 7, pages);
    }

    [Fact]
    public async Task List_WithoutKey_Returns401()
    {
        using var client = fixture.App.CreateClient(authenticated: false);

        var response = await client.GetAsync(new Uri("api/traces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithoutKey_Returns401()
    {
        using var client = fixture.App.CreateClient(authenticated: false);

        var response = await client.GetAsync(
            new Uri("api/traces/" + TraceStore.TraceId(TraceApiFixture.DetailedTrace), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45", "to")]
    [InlineData("from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "to")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("minLatencyMs=fast", "minLatencyMs")]
    [InlineData("maxLatencyMs=-5", "maxLatencyMs")]
    [InlineData("minCost=NaN", "minCost")]
    [InlineData("minCost=1&maxCost=0.5", "maxCost")]
    [InlineData("status=broken", "status")]
    [InlineData("name=a&name=b", "name")]
    public async Task List_InvalidParameter_Returns400ProblemNamingIt(string query, string parameter)
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces?" + query, UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
        Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces/" + TraceStore.TraceId(123456), UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Trace not found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_OtherProjectsTrace_Returns404()
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(
            new Uri("api/traces/" + TraceStore.TraceId(TraceApiFixture.OtherProjectTrace), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_MalformedId_Returns400NamingTraceId()
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces/not-a-trace-id", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Get_DetailedTrace_ReturnsSpansByStartWithDecodedFields()
    {
        using var client = fixture.App.CreateClient();
        var traceId = TraceStore.TraceId(TraceApiFixture.DetailedTrace);

        var trace = await client.GetFromJsonAsync<JsonElement>(
            new Uri("api/traces/" + traceId.ToUpperInvariant(), UriKind.Relative));

        Assert.Equal(traceId, trace.GetProperty("traceId").GetString());
        Assert.Equal("rag", trace.GetProperty("name").GetString());
        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(
            [TraceStore.SpanId(1), TraceStore.SpanId(2), TraceStore.SpanId(3), TraceStore.SpanId(4)],
            spans.Select(s => s.GetProperty("spanId").GetString()));

        var retrieval = spans[1];
        Assert.Equal("retrieval", retrieval.GetProperty("type").GetString());
        var document = retrieval.GetProperty("documents")[0];
        Assert.Equal("kb-7", document.GetProperty("id").GetString());
        Assert.Equal(0.91, document.GetProperty("score").GetDouble());
        Assert.Equal("Reset via the link.", document.GetProperty("content").GetString());

        var generation = spans[2];
        Assert.Equal("generation", generation.GetProperty("type").GetString());
        Assert.Equal("gpt-4.1-2025-04-14", generation.GetProperty("model").GetString());
        Assert.Equal("gpt-4.1", generation.GetProperty("requestModel").GetString());
        Assert.Equal("openai", generation.GetProperty("provider").GetString());
        Assert.Equal(0.2, generation.GetProperty("parameters").GetProperty("temperature").GetDouble());
        Assert.Equal("system", generation.GetProperty("inputMessages")[0].GetProperty("role").GetString());
        var output = generation.GetProperty("outputMessages")[0];
        Assert.Equal("Click the link.", output.GetProperty("content").GetString());
        Assert.Equal("lookup", output.GetProperty("toolCalls")[0].GetProperty("name").GetString());
        Assert.Equal(120, generation.GetProperty("usage").GetProperty("input").GetInt64());
        Assert.Equal(100, generation.GetProperty("usage").GetProperty("cacheRead").GetInt64());
        Assert.Equal(0.0042, generation.GetProperty("cost").GetDouble());
        Assert.Equal(248.0, generation.GetProperty("durationMs").GetDouble());
        Assert.Equal("stop", generation.GetProperty("finishReasons")[0].GetString());
        Assert.Equal("exception", generation.GetProperty("events")[0].GetProperty("name").GetString());
        Assert.Equal("00000000000000ef", generation.GetProperty("links")[0].GetProperty("spanId").GetString());
        Assert.Equal("chat", generation.GetProperty("attributes").GetProperty("gen_ai.operation.name").GetString());
        Assert.Equal("support", generation.GetProperty("resourceAttributes").GetProperty("service.name").GetString());
        Assert.Equal(999999, generation.GetProperty("truncations")[0].GetProperty("originalLength").GetInt32());
        Assert.Equal(JsonValueKind.String, generation.GetProperty("startTimeUnixNano").ValueKind);

        var tool = spans[3];
        Assert.True(tool.GetProperty("orphan").GetBoolean());
        Assert.False(generation.GetProperty("orphan").GetBoolean());
        Assert.Equal("lookup", tool.GetProperty("tool").GetProperty("name").GetString());
        Assert.Equal("{\"ok\":true}", tool.GetProperty("tool").GetProperty("result").GetString());

        Assert.Equal("groundedness", trace.GetProperty("scores")[0].GetProperty("name").GetString());
        Assert.Equal("helpful", trace.GetProperty("feedback")[0].GetProperty("comment").GetString());
    }

    private static async Task<ListBody> GetListAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListBody>())!;
    }

    private sealed record ListBody(List<ListRow> Data, string? NextCursor);

    private sealed record ListRow(string TraceId, DateTimeOffset StartTime);
}
