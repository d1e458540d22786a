using LlmObserve.Core;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Live;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmObserve.Tests.Ingestion.Writer;

/// <summary>A migrated SQLite file in a temp folder and a writer on it; deleted on dispose.</summary>
internal sealed class WriterTestStore : IAsyncDisposable
{
    public const string Project = "p1";

    private readonly List<GroupCommitSpanWriter> _writers = [];

    public WriterTestStore()
        : this(copyOf: null, migration: null)
    {
    }

    private WriterTestStore(string? copyOf, string? migration)
    {
        Directory = Path.Combine(Path.GetTempPath(), "llmobserve-writer-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "test.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();

        if (copyOf is null)
        {
            using var db = CreateDbContext();
            db.Database.Migrate(migration);
        }
        else
        {
            foreach (var suffix in (string[])["", "-wal"])
            {
                if (File.Exists(copyOf + suffix))
                {
                    File.Copy(copyOf + suffix, DatabasePath + suffix);
                }
            }
        }
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public string ConnectionString { get; }

    public LlmObserveOptions Options { get; } = new();

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));

    public TraceChangeNotifier Notifier { get; } = new();

    public ScoreChangeNotifier ScoreNotifier { get; } = new();

    /// <summary>A writer on this store; not started, so a test can queue work before the loop runs.</summary>
    public GroupCommitSpanWriter CreateWriter()
    {
        var writer = new GroupCommitSpanWriter(
            new SpanWriterConnection(ConnectionString),
            Options,
            Notifier,
            Time,
            NullLogger<GroupCommitSpanWriter>.Instance,
            scoreNotifier: ScoreNotifier);
        _writers.Add(writer);
        return writer;
    }

    public GroupCommitSpanWriter StartWriter()
    {
        var writer = CreateWriter();
        writer.Start();
        return writer;
    }

    /// <summary>
    /// A new store holding what this one's files hold on disk now (the database and its WAL), as a process killed at
    /// this moment would leave them; take it while no transaction runs.
    /// </summary>
    public WriterTestStore CopyAsIfCrashed() => new(DatabasePath, migration: null);

    /// <summary>A store migrated only up to <paramref name="migration"/>, as an older version left it.</summary>
    public static WriterTestStore AtMigration(string migration) => new(copyOf: null, migration);

    public LlmObserveDbContext CreateDbContext()
        => new(new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>Trace ids the list finds for <paramref name="text"/>, through the product's own query.</summary>
    public async Task<IReadOnlyList<string>> SearchAsync(string text)
    {
        var options = new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(ConnectionString).Options;
        var queries = new TraceQueries(new PooledDbContextFactory<LlmObserveDbContext>(options));
        var page = await queries.ListAsync(
            Project,
            new TraceFilter { Search = text },
            TraceSort.Default,
            after: null,
            limit: 100,
            CancellationToken.None);
        return [.. page.Data.Select(t => t.TraceId)];
    }

    public Task WaitForSearchIndexAsync() => Poll.UntilSearchIndexedAsync(CreateDbContext);

    public async Task<TraceEntity> TraceAsync(string traceId)
    {
        await using var db = CreateDbContext();
        return await db.Traces.AsNoTracking().SingleAsync(t => t.ProjectId == Project && t.TraceId == traceId);
    }

    public async Task<int> SpanCountAsync()
    {
        await using var db = CreateDbContext();
        return await db.Spans.CountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test for it would hide the real result.
        }
    }
}

/// <summary>A clock the test sets; the writer stamps aggregates with it.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Spans and batches for writer tests, with just enough fields set.</summary>
internal static class TestSpans
{
    public const long Second = 1_000_000_000;

    public static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds()
        * 1_000_000;

    public static string TraceId(int n) => n.ToString("x32");

    public static string SpanId(int n) => n.ToString("x16");

    public static SpanEntity Span(
        string traceId,
        int spanId,
        int? parent = null,
        string? name = null,
        string type = SpanType.Span,
        long startOffset = 0,
        long endOffset = 1,
        string status = SpanStatus.Unset)
        => new()
        {
            ProjectId = WriterTestStore.Project,
            TraceId = traceId,
            SpanId = SpanId(spanId),
            ParentSpanId = parent is null ? null : SpanId(parent.Value),
            Name = name ?? $"span-{spanId}",
            Type = type,
            Status = status,
            StartTimeUnixNano = T0 + (startOffset * Second),
            EndTimeUnixNano = T0 + (endOffset * Second),
        };

    public static IngestBatch Batch(params SpanEntity[] spans) => IngestBatch.OfSpans(WriterTestStore.Project, spans);
}
