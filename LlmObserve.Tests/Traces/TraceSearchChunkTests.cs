using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Traces;

/// <summary>
/// A search that matches many traces reads the list's order in chunks and asks the full-text index once per chunk.
/// It must list exactly what starting from the matches lists: across pages, in every sort (costs without a value
/// included), when few traces match so the chunks have to grow, and when traces arrived in another order than they
/// started, so that a chunk's row ids are not a narrow range.
/// </summary>
public sealed class TraceSearchChunkTests : IAsyncLifetime
{
    private const int Traces = 3_000;

    private readonly WriterTestStore _store = new();
    private TraceQueries _fromMatches = null!;
    private TraceQueries _inChunks = null!;
    private Core.Ingestion.Writer.GroupCommitSpanWriter _writer = null!;

    public async Task InitializeAsync()
    {
        var random = new Random(11);
        var spans = new List<SpanEntity>();
        for (var trace = 1; trace <= Traces; trace++)
        {
            var span = Span(TraceId(trace), 1, startOffset: trace, endOffset: trace + random.Next(1, 30));
            span.InputText = trace % 15 == 0 ? "refund and password" : trace % 3 == 0 ? "my refund" : "reset password";
            span.OutputText = trace % 97 == 0 ? "the needle answer" : "a plain answer";
            span.Cost = random.Next(4) == 0 ? null : random.Next(1, 50) / 1000.0;
            spans.Add(span);
        }

        // Most traces arrive in start order, as in real traffic; one in ten arrives late, long after its start.
        var late = spans.Where(_ => random.Next(10) == 0).ToList();
        var ordered = spans.Except(late).Concat(late.OrderBy(_ => random.Next())).ToList();
        _writer = _store.StartWriter();
        for (var sent = 0; sent < ordered.Count; sent += 250)
        {
            await _writer.WriteAsync(
                IngestBatch.OfSpans(WriterTestStore.Project, [.. ordered.Skip(sent).Take(250)]), default);
        }

        await _store.WaitForSearchIndexAsync();
        var factory = new PooledDbContextFactory<LlmObserveDbContext>(
            new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(_store.ConnectionString).Options);
        _fromMatches = new TraceQueries(factory, rareSearchMatches: int.MaxValue);
        _inChunks = new TraceQueries(factory, rareSearchMatches: 0);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public static TheoryData<string, TraceSortKey, bool> Cases()
    {
        var data = new TheoryData<string, TraceSortKey, bool>();
        foreach (var search in new[] { "refund", "needle", "password refund", "absent" })
        {
            data.Add(search, TraceSortKey.StartTime, true);
            data.Add(search, TraceSortKey.Cost, true);
            data.Add(search, TraceSortKey.Cost, false);
            data.Add(search, TraceSortKey.Latency, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task List_PagedInChunks_FindsWhatTheMatchesFind(string search, TraceSortKey key, bool descending)
    {
        var filter = new TraceFilter { Search = search };
        var sort = new TraceSort(key, descending);

        var expected = await _fromMatches.ListAsync(WriterTestStore.Project, filter, sort, null, 500, default);
        var pages = new List<string>();
        TraceCursor? cursor = null;
        do
        {
            var page = await _inChunks.ListAsync(WriterTestStore.Project, filter, sort, cursor, 37, default);
            pages.AddRange(page.Data.Select(t => t.TraceId));
            TraceCursor.TryDecode(page.NextCursor, out cursor);
        }
        while (cursor is not null && pages.Count <= Traces);

        var exported = new List<string>();
        await foreach (var row in _inChunks.ExportAsync(WriterTestStore.Project, filter, sort, default))
        {
            exported.Add(row.Summary.TraceId);
            Assert.Contains(search.Split(' ')[0], row.Input + " " + row.Output, StringComparison.Ordinal);
        }

        var count = await _inChunks.CountAsync(WriterTestStore.Project, filter, 10_000, default);

        var expectedCount = search switch
        {
            "refund" => Traces / 3,
            "needle" => Traces / 97,
            "password refund" => Traces / 15,
            _ => 0,
        };
        Assert.Equal(Math.Min(expectedCount, 500), expected.Data.Count);
        Assert.Equal(expected.Data.Select(t => t.TraceId), pages.Take(500));
        Assert.Equal(expectedCount, pages.Count);
        Assert.Equal(pages, exported);
        Assert.Equal(expectedCount, count.Count);
    }

    [Fact]
    public async Task CountArrivedSince_CommonSearch_CountsOnlyLaterMatches()
    {
        var mark = await _inChunks.LatestArrivalAsync(default);
        var spans = Enumerable.Range(Traces + 1, 9).Select(n =>
        {
            var span = Span(TraceId(n), 1, startOffset: n);
            span.InputText = n % 3 == 0 ? "another refund" : "something else";
            return span;
        }).ToArray();
        await _writer.WriteAsync(IngestBatch.OfSpans(WriterTestStore.Project, spans), default);
        await _store.WaitForSearchIndexAsync();

        var arrived = await _inChunks.CountArrivedSinceAsync(
            WriterTestStore.Project, new TraceFilter { Search = "refund" }, mark, 100, default);

        Assert.Equal(3, arrived);
    }
}
