using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

/// <summary>
/// The writer indexes traces for search after their commit, in passes of its own: search is eventually consistent,
/// survives a crash between commit and pass, a VACUUM, and follows a trace whose text changes.
/// </summary>
public sealed class TraceSearchIndexingTests : IAsyncLifetime
{
    private readonly WriterTestStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Search_TraceIngested_FoundOnceIndexed()
    {
        var writer = _store.StartWriter();
        var trace = TraceId(1);

        await writer.WriteAsync(Batch(Root(trace, "Where is my parcel?"), Span(trace, 2, parent: 1)), default);

        await Poll.UntilAsync(async () => (await _store.SearchAsync("parcel")).Count > 0, "the trace to be found");
        Assert.Equal([trace], await _store.SearchAsync("PARCEL"));
        Assert.Equal(1, writer.Statistics.TracesIndexed);
    }

    [Fact]
    public async Task Search_CrashAfterCommitBeforeIndexing_FoundAfterRestart()
    {
        _store.Options.Ingestion.SearchIndexDelayMs = 600_000;
        _store.Options.Ingestion.SearchIndexMaxDelayMs = 600_000;
        var writer = _store.StartWriter();
        var trace = TraceId(7);
        await writer.WriteAsync(Batch(Root(trace, "The invoice total is wrong")), default);
        Assert.Empty(await _store.SearchAsync("invoice"));

        await using var restarted = _store.CopyAsIfCrashed();
        await using (var db = restarted.CreateDbContext())
        {
            Assert.Equal(1, await Poll.SearchPendingAsync(db));
        }

        restarted.StartWriter();

        await Poll.UntilAsync(async () => (await restarted.SearchAsync("invoice")).Count > 0, "the restarted search");
        Assert.Equal([trace], await restarted.SearchAsync("invoice total"));
    }

    [Fact]
    public async Task Search_AfterDeleteAndVacuum_FindsTheSameTraces()
    {
        var writer = _store.StartWriter();
        await writer.WriteAsync(Batch(Root(TraceId(1), "alpha question")), default);
        await writer.WriteAsync(Batch(Root(TraceId(2), "bravo question")), default);
        await writer.WriteAsync(Batch(Root(TraceId(3), "charlie question")), default);
        await _store.WaitForSearchIndexAsync();

        await using (var db = _store.CreateDbContext())
        {
            // A gap in the row numbers, as a retention job would leave, is what a VACUUM could close up.
            await db.Database.ExecuteSqlRawAsync(
                """DELETE FROM "Traces" WHERE "TraceId" = {0}; VACUUM;""",
                TraceId(1));
        }

        Assert.Equal([TraceId(2)], await _store.SearchAsync("bravo"));
        Assert.Equal([TraceId(3)], await _store.SearchAsync("charlie"));
        Assert.Empty(await _store.SearchAsync("alpha"));
        Assert.Equal([TraceId(3), TraceId(2)], await _store.SearchAsync("question"));
    }

    [Fact]
    public async Task Search_RootArrivesLater_FoundByItsNewTextOnly()
    {
        var writer = _store.StartWriter();
        var trace = TraceId(4);
        var child = Span(trace, 2, parent: 1, name: "lookup", startOffset: 2);
        child.InputText = "tangerine";
        await writer.WriteAsync(Batch(child), default);
        await _store.WaitForSearchIndexAsync();
        Assert.Equal([trace], await _store.SearchAsync("tangerine"));

        await writer.WriteAsync(Batch(Root(trace, "pomegranate")), default);
        await _store.WaitForSearchIndexAsync();

        Assert.Equal("pomegranate", (await _store.TraceAsync(trace)).InputText);
        Assert.Equal([trace], await _store.SearchAsync("pomegranate"));
        Assert.Equal([trace], await _store.SearchAsync("answer"));
        Assert.Empty(await _store.SearchAsync("tangerine"));
        Assert.Empty(await _store.SearchAsync("lookup"));
    }

    private static SpanEntity Root(string traceId, string input)
    {
        var root = Span(traceId, 1, name: "answer", type: SpanType.Chain);
        root.InputText = input;
        return root;
    }
}
