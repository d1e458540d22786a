using LlmObserve.Core.Feedback;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Live;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

public sealed class GroupCommitSpanWriterTests : IAsyncLifetime
{
    private readonly WriterTestStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task WriteAsync_FiftyConcurrentCallers_ShareTransactions()
    {
        var writer = _store.StartWriter();
        var batches = Enumerable.Range(1, 50)
            .Select(n => Batch(Span(TraceId(n), 1), Span(TraceId(n), 2, parent: 1)))
            .ToList();

        var results = await Task.WhenAll(batches.Select(b => Task.Run(() => writer.WriteAsync(b, default))));

        Assert.All(results, r => Assert.Equal(new IngestResult(2, 0), r));
        Assert.Equal(100, await _store.SpanCountAsync());
        var statistics = writer.Statistics;
        Assert.Equal(50, statistics.BatchesCommitted);
        Assert.InRange(statistics.TransactionsCommitted, 1, 49);
        Assert.Equal(0, statistics.QueuedItems);
    }

    [Fact]
    public async Task WriteAsync_BatchesQueuedBeforeStart_CommitInOneTransaction()
    {
        var writer = _store.CreateWriter();
        var pending = Enumerable.Range(1, 10)
            .Select(n => writer.WriteAsync(Batch(Span(TraceId(n), 1)), default))
            .ToList();

        writer.Start();
        await Task.WhenAll(pending);

        Assert.Equal(1, writer.Statistics.TransactionsCommitted);
        Assert.Equal(10, await _store.SpanCountAsync());
    }

    [Fact]
    public async Task WriteAsync_OneBatchOverflowsItsTokenSum_OnlyThatBatchFailsAndTheOthersInItsCommitAreStored()
    {
        var writer = _store.CreateWriter();
        var poisoned = TraceId(99);
        var overflow = Batch(
            Span(poisoned, 1),
            Span(poisoned, 2));
        foreach (var span in overflow.Spans)
        {
            span.Type = SpanType.Generation;
            span.InputTokens = long.MaxValue;
        }

        var good = Enumerable.Range(1, 5).Select(n => writer.WriteAsync(Batch(Span(TraceId(n), 1)), default)).ToList();
        var bad = writer.WriteAsync(overflow, default);

        writer.Start();
        await Task.WhenAll(good);
        var failure = await Record.ExceptionAsync(() => bad);

        // The trace aggregate is summed by the writer in checked 64-bit arithmetic (SQLite's sum() raised its own
        // "integer overflow" before the aggregate moved out of SQL).
        Assert.IsType<OverflowException>(failure);
        Assert.Equal(5, await _store.SpanCountAsync());
        Assert.Equal(0, writer.Statistics.QueuedItems);
    }

    [Fact]
    public async Task WriteAsync_MoreThanMaxSpansPerCommit_SplitsIntoSeveralTransactions()
    {
        _store.Options.Ingestion.MaxSpansPerCommit = 4;
        var writer = _store.CreateWriter();
        var pending = Enumerable.Range(1, 6)
            .Select(n => writer.WriteAsync(Batch(Span(TraceId(n), 1), Span(TraceId(n), 2)), default))
            .ToList();

        writer.Start();
        await Task.WhenAll(pending);

        Assert.Equal(3, writer.Statistics.TransactionsCommitted);
        Assert.Equal(12, await _store.SpanCountAsync());
    }

    [Fact]
    public async Task WriteAsync_SameSpanTwice_StoredOnce()
    {
        var writer = _store.StartWriter();
        var trace = TraceId(1);

        var first = await writer.WriteAsync(Batch(Span(trace, 1)), default);
        var second = await writer.WriteAsync(Batch(Span(trace, 1)), default);

        Assert.Equal(new IngestResult(1, 0), first);
        Assert.Equal(new IngestResult(0, 1), second);
        Assert.Equal(1, await _store.SpanCountAsync());
        Assert.Equal(1, (await _store.TraceAsync(trace)).SpanCount);
    }

    [Fact]
    public async Task WriteAsync_SameSpanTwiceInOneBatch_CountsTheSecondAsAlreadyStored()
    {
        var writer = _store.StartWriter();
        var trace = TraceId(1);

        var result = await writer.WriteAsync(Batch(Span(trace, 1), Span(trace, 1), Span(trace, 2)), default);

        Assert.Equal(new IngestResult(2, 1), result);
        Assert.Equal(2, await _store.SpanCountAsync());
    }

    [Fact]
    public async Task WriteAsync_SameSpanIdsInTwoProjects_StoredForEach()
    {
        var writer = _store.StartWriter();
        var span = Span(TraceId(1), 1);

        await writer.WriteAsync(IngestBatch.OfSpans("p1", [span]), default);
        var other = await writer.WriteAsync(IngestBatch.OfSpans("p2", [span]), default);

        Assert.Equal(new IngestResult(1, 0), other);
        await using var db = _store.CreateDbContext();
        Assert.Equal(["p1", "p2"], await db.Spans.Select(s => s.ProjectId).OrderBy(p => p).ToListAsync());
        Assert.Equal(2, await db.Traces.CountAsync());
    }

    [Fact]
    public async Task WriteAsync_QueueFull_ThrowsSaturatedAndKeepsEarlierBatches()
    {
        _store.Options.Ingestion.MaxQueuedSpans = 3;
        _store.Options.Ingestion.RetryAfterSeconds = 7;
        var writer = _store.CreateWriter();
        var accepted = writer.WriteAsync(Batch(Span(TraceId(1), 1), Span(TraceId(1), 2)), default);

        var refused = Assert.Throws<IngestionSaturatedException>(
            () => { _ = writer.WriteAsync(Batch(Span(TraceId(2), 1), Span(TraceId(2), 2)), default); });
        writer.Start();
        var result = await accepted;

        Assert.Equal(7, refused.RetryAfterSeconds);
        Assert.Equal(new IngestResult(2, 0), result);
        Assert.Equal(2, await _store.SpanCountAsync());
        Assert.Equal(1, writer.Statistics.BatchesRejected);
        Assert.Equal(0, writer.Statistics.QueuedItems);
    }

    [Fact]
    public async Task WriteAsync_BatchLargerThanQueueWhileIdle_IsAccepted()
    {
        _store.Options.Ingestion.MaxQueuedSpans = 2;
        var writer = _store.StartWriter();

        var batch = Batch(Span(TraceId(1), 1), Span(TraceId(1), 2), Span(TraceId(1), 3));

        var result = await writer.WriteAsync(batch, default);

        Assert.Equal(new IngestResult(3, 0), result);
    }

    [Fact]
    public async Task WriteAsync_AfterRestart_EveryAcknowledgedSpanIsInTheFile()
    {
        var writer = _store.StartWriter();
        var acknowledged = new List<SpanEntity>();
        for (var n = 1; n <= 20; n++)
        {
            var batch = Batch(Span(TraceId(n), 1), Span(TraceId(n), 2, parent: 1));
            await writer.WriteAsync(batch, default);
            acknowledged.AddRange(batch.Spans);
        }

        await writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection(_store.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "TraceId" || '/' || "SpanId" FROM "Spans" """;
        var stored = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.All(acknowledged, s => Assert.Contains($"{s.TraceId}/{s.SpanId}", stored));
        Assert.Equal(acknowledged.Count, stored.Count);
    }

    [Fact]
    public async Task StopAsync_WithQueuedBatches_CommitsThemAndRefusesNewOnes()
    {
        var writer = _store.CreateWriter();
        var queued = Enumerable.Range(1, 5)
            .Select(n => writer.WriteAsync(Batch(Span(TraceId(n), 1)), default))
            .ToList();
        writer.Start();

        await writer.StopAsync(CancellationToken.None);

        Assert.All(queued, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(5, await _store.SpanCountAsync());
        Assert.Throws<IngestionSaturatedException>(
            () => { _ = writer.WriteAsync(Batch(Span(TraceId(9), 1)), default); });
    }

    [Fact]
    public async Task WriteAsync_TransactionFailsOnOneBatch_FailsOnlyItsCallerAndKeepsWriting()
    {
        await using (var db = _store.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER reject_poison BEFORE INSERT ON "Spans" WHEN NEW."Name" = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned span'); END;
                """);
        }

        var writer = _store.CreateWriter();
        var good = writer.WriteAsync(Batch(Span(TraceId(1), 1)), default);
        var poison = writer.WriteAsync(Batch(Span(TraceId(2), 1, name: "poison")), default);

        writer.Start();
        var goodResult = await good;
        var poisonFailure = await Assert.ThrowsAsync<SqliteException>(() => poison);
        var later = await writer.WriteAsync(Batch(Span(TraceId(3), 1)), default);

        Assert.Contains("poisoned span", poisonFailure.Message);
        Assert.Equal(new IngestResult(1, 0), goodResult);
        Assert.Equal(new IngestResult(1, 0), later);
        Assert.Equal(2, await _store.SpanCountAsync());
        Assert.Equal(2, writer.Statistics.TransactionsFailed);
        Assert.Equal(0, writer.Statistics.QueuedItems);
    }

    [Fact]
    public async Task WriteAsync_SpanWithoutName_ThrowsBeforeQueueing()
    {
        var writer = _store.StartWriter();
        var span = Span(TraceId(1), 1);
        span.Name = null!;

        Assert.Throws<ArgumentException>(() => { _ = writer.WriteAsync(Batch(span), default); });

        Assert.Equal(0, writer.Statistics.QueuedItems);
        Assert.Equal(0, await _store.SpanCountAsync());
    }

    [Fact]
    public async Task WriteAsync_CancelledWhileQueued_IsDroppedAndCancelled()
    {
        var writer = _store.CreateWriter();
        using var cancellation = new CancellationTokenSource();
        var cancelled = writer.WriteAsync(Batch(Span(TraceId(1), 1)), cancellation.Token);
        var kept = writer.WriteAsync(Batch(Span(TraceId(2), 1)), default);

        await cancellation.CancelAsync();
        writer.Start();
        await kept;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, await _store.SpanCountAsync());
    }

    [Fact]
    public async Task WriteAsync_ScoresAndFeedback_AreStoredWithTheBatch()
    {
        var writer = _store.StartWriter();
        var created = new DateTimeOffset(2026, 12, 2, 8, 30, 0, TimeSpan.Zero);
        var batch = new IngestBatch(
            WriterTestStore.Project,
            [Span(TraceId(1), 1)],
            [
                new Score
                {
                    ProjectId = WriterTestStore.Project, TraceId = TraceId(1), Name = "relevance", Value = 0.8,
                    Source = ScoreSource.Api, CreatedAt = created,
                },
                new Score
                {
                    ProjectId = "ignored", TraceId = TraceId(1), Name = "tone", Label = "ok", Source = ScoreSource.Api,
                },
            ],
            [new FeedbackEntry { ProjectId = WriterTestStore.Project, RequestId = "r1", Kind = "thumbs", Value = 1 }]);

        await writer.WriteAsync(batch, default);

        await using var db = _store.CreateDbContext();
        var scores = await db.Scores.OrderBy(s => s.Name).ToListAsync();
        Assert.Equal(["relevance", "tone"], scores.Select(s => s.Name));
        Assert.All(scores, s => Assert.Equal(WriterTestStore.Project, s.ProjectId));
        Assert.Equal(created, scores[0].CreatedAt);
        Assert.Equal(_store.Time.Now, scores[1].CreatedAt);
        var feedback = await db.Feedback.SingleAsync();
        Assert.Equal(("r1", "thumbs", 1.0), (feedback.RequestId, feedback.Kind, feedback.Value!.Value));
    }

    [Fact]
    public async Task WriteAsync_AfterCommit_PublishesTheTouchedTracesPerProject()
    {
        var changes = new List<TraceChange>();
        var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _store.Notifier.Subscribe(change =>
        {
            lock (changes)
            {
                changes.Add(change);
            }

            published.TrySetResult();
            return Task.CompletedTask;
        });
        var writer = _store.StartWriter();

        await writer.WriteAsync(Batch(Span(TraceId(1), 1), Span(TraceId(2), 1)), default);
        await published.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var change = Assert.Single(changes);
        Assert.Equal(WriterTestStore.Project, change.ProjectId);
        Assert.Equal([TraceId(1), TraceId(2)], change.TraceIds.Order());
        Assert.Equal(_store.Time.Now, change.At);
    }
}
