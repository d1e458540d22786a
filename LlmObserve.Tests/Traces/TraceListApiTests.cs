using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Traces;

/// <summary>The list API's sorts, search syntax, score filter, time range presets and count.</summary>
public sealed class TraceListApiTests(TraceApiFixture fixture) : IClassFixture<TraceApiFixture>
{
    private const int AllOwnTraces = 4 + TraceApiFixture.FillerCount + 1;

    [Theory]
    [InlineData("start", "desc")]
    [InlineData("start", "asc")]
    [InlineData("latency", "desc")]
    [InlineData("latency", "asc")]
    [InlineData("cost", "desc")]
    [InlineData("cost", "asc")]
    [InlineData("tokens", "desc")]
    [InlineData("tokens", "asc")]
    public async Task List_SortedCursorPages_CoverEveryTraceOnceInSortOrder(string sort, string order)
    {
        using var client = fixture.App.CreateClient();
        var sortQuery = $"sort={sort}&order={order}";
        var all = await GetListAsync(client, "api/traces?limit=500&" + sortQuery);

        var paged = new List<Row>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var after = cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor);
            var page = await GetListAsync(client, $"api/traces?limit=4&{sortQuery}{after}");
            paged.AddRange(page.Data);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.Equal(AllOwnTraces, all.Data.Count);
        Assert.Equal(all.Data.Select(t => t.TraceId), paged.Select(t => t.TraceId));
        Assert.Equal(paged.Count, paged.Select(t => t.TraceId).Distinct().Count());
        var keys = paged.Select(t => Key(t, sort)).ToList();
        var expected = order == "desc"
            ? keys.OrderByDescending(k => k ?? double.NegativeInfinity).ToList()
            : keys.OrderBy(k => k ?? double.NegativeInfinity).ToList();
        Assert.Equal(expected, keys);
    }

    [Fact]
    public async Task List_CursorOfAnotherSort_Returns400NamingCursor()
    {
        using var client = fixture.App.CreateClient();
        var first = await GetListAsync(client, "api/traces?limit=3&sort=latency");

        var response = await client.GetAsync(new Uri(
            "api/traces?limit=3&sort=cost&cursor=" + Uri.EscapeDataString(first.NextCursor!),
            UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Theory]
    [InlineData("search=PASSWORD", new[] { 3, 1 })]
    [InlineData("search=password%20link", new[] { 1 })]
    [InlineData("search=forgot-password", new[] { 1 })]
    [InlineData("search=%22password%22", new[] { 3, 1 })]
    [InlineData("search=password*", new[] { 3, 1 })]
    [InlineData("search=AND", new int[0])]
    [InlineData("search=password%20AND%20ticket", new int[0])]
    [InlineData("search=-password", new[] { 3, 1 })]
    [InlineData("search=NEAR(password%20reset)", new int[0])]
    [InlineData("search=summarize", new[] { 3 })]
    [InlineData("search=password&status=ok&sessionId=s-2", new[] { 3 })]
    public async Task List_SearchWithFtsSyntax_TreatsItAsPlainWords(string query, int[] expected)
    {
        using var client = fixture.App.CreateClient();

        var body = await GetListAsync(client, "api/traces?limit=500&" + query);

        Assert.Equal(expected.Select(TraceStore.TraceId), body.Data.Select(t => t.TraceId));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("filler input")]
    [InlineData("100")]
    [InlineData("absent")]
    public async Task List_SearchFromMatchesOrAlongTheOrder_FindsTheSameTraces(string search)
    {
        var factory = fixture.App.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        var fromMatches = new TraceQueries(factory, rareSearchMatches: int.MaxValue);
        var alongOrder = new TraceQueries(factory, rareSearchMatches: 0);
        var filter = new TraceFilter { Search = search };
        var sort = new TraceSort(TraceSortKey.Latency, Descending: false);

        var rare = await fromMatches.ListAsync(fixture.ProjectId, filter, sort, null, 500, CancellationToken.None);
        var common = await alongOrder.ListAsync(fixture.ProjectId, filter, sort, null, 500, CancellationToken.None);
        var rareCount = await fromMatches.CountAsync(fixture.ProjectId, filter, 100, CancellationToken.None);
        var commonCount = await alongOrder.CountAsync(fixture.ProjectId, filter, 100, CancellationToken.None);

        Assert.Equal(rare.Data.Select(t => t.TraceId), common.Data.Select(t => t.TraceId));
        Assert.Equal(rare.Data.Count, rareCount.Count);
        Assert.Equal(rareCount, commonCount);
        Assert.Equal(search == "absent", rare.Data.Count == 0);
    }

    [Theory]
    [InlineData("search=%22")]
    [InlineData("search=*")]
    [InlineData("search=-%20%5E%20%3A")]
    public async Task List_SearchWithoutAWord_Returns400NamingSearch(string query)
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces?" + query, UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("letter or digit", problem.GetProperty("errors").GetProperty("search")[0].GetString());
    }

    [Theory]
    [InlineData("scoreName=groundedness", new[] { TraceApiFixture.DetailedTrace })]
    [InlineData("scoreName=groundedness&minScore=0.5", new[] { TraceApiFixture.DetailedTrace })]
    [InlineData("scoreName=groundedness&minScore=0.9", new int[0])]
    [InlineData("scoreName=groundedness&maxScore=0.8", new[] { TraceApiFixture.DetailedTrace })]
    [InlineData("scoreName=toxicity", new int[0])]
    [InlineData("range=24h", new int[0])]
    [InlineData("range=all&status=error", new[] { 2 })]
    public async Task List_ScoreAndRangeFilters_ReturnOnlyMatchingTraces(string query, int[] expected)
    {
        using var client = fixture.App.CreateClient();

        var body = await GetListAsync(client, "api/traces?limit=500&" + query);

        Assert.Equal(expected.Select(TraceStore.TraceId), body.Data.Select(t => t.TraceId));
    }

    [Theory]
    [InlineData("minScore=0.5", "scoreName")]
    [InlineData("scoreName=g&minScore=high", "minScore")]
    [InlineData("scoreName=g&minScore=1&maxScore=0", "maxScore")]
    [InlineData("range=2w", "range")]
    [InlineData("range=24h&from=2026-11-20T00:00:00Z", "range")]
    [InlineData("sort=name", "sort")]
    [InlineData("order=up", "order")]
    public async Task List_InvalidNewParameter_Returns400NamingIt(string query, string parameter)
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces?" + query, UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Theory]
    [InlineData("", AllOwnTraces)]
    [InlineData("?status=error", 1)]
    [InlineData("?search=password", 2)]
    [InlineData("?name=filler", TraceApiFixture.FillerCount)]
    public async Task Count_Filter_CountsMatchingTracesOfTheProject(string query, int expected)
    {
        using var client = fixture.App.CreateClient();

        var count = await client.GetFromJsonAsync<JsonElement>(new Uri("api/traces/count" + query, UriKind.Relative));

        Assert.Equal(expected, count.GetProperty("count").GetInt32());
        Assert.False(count.GetProperty("capped").GetBoolean());
    }

    private static double? Key(Row row, string sort) => sort switch
    {
        "latency" => row.LatencyMs,
        "cost" => row.Cost,
        "tokens" => row.Tokens.Total,
        _ => (double)long.Parse(row.StartTimeUnixNano, CultureInfo.InvariantCulture),
    };

    private static async Task<ListBody> GetListAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ListBody>())!;
    }

    private sealed record ListBody(List<Row> Data, string? NextCursor);

    private sealed record Row(string TraceId, string StartTimeUnixNano, double LatencyMs, double? Cost, Tokens Tokens);

    private sealed record Tokens(long Total);
}
