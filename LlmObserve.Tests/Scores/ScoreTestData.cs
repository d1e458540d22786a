using LlmObserve.Core;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Ingestion.Writer;
using LlmObserve.Tests.Metrics;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Scores;

/// <summary>Traces and scores for the score aggregate tests, written through the span writer as ingestion is.</summary>
internal static class ScoreTestData
{
    public static readonly DateTimeOffset T0Time = UnixNanos.ToDateTimeOffset(TestSpans.T0);

    /// <summary>A trace calling each of <paramref name="models"/> once, in an environment and release.</summary>
    public static SpanEntity[] Trace(
        string traceId,
        long startOffset,
        string? environment,
        string? release,
        params string[] models)
    {
        var root = TestSpans.Span(traceId, 1, name: "answer", type: SpanType.Chain, startOffset: startOffset,
            endOffset: startOffset + 5, status: SpanStatus.Ok);
        root.Environment = environment;
        root.Release = release;
        var spans = new List<SpanEntity> { root };
        for (var i = 0; i < models.Length; i++)
        {
            var generation = RollupMaintainerTests.Generation(
                traceId, 2 + i, parent: 1, models[i], startOffset + 1, startOffset + 2, cost: 0.001);
            generation.Environment = environment;
            generation.Release = release;
            spans.Add(generation);
        }

        return [.. spans];
    }

    public static Score Score(
        string traceId,
        string name,
        double? value,
        string? label = null,
        string? spanId = null,
        string? explanation = null,
        DateTimeOffset createdAt = default)
        => new()
        {
            ProjectId = WriterTestStore.Project,
            TraceId = traceId,
            SpanId = spanId,
            Name = name,
            Value = value,
            Label = label,
            Explanation = explanation,
            Source = ScoreSource.Judge,
            CreatedAt = createdAt,
        };

    public static IngestBatch Batch(IEnumerable<SpanEntity> spans, params Score[] scores)
        => new(WriterTestStore.Project, [.. spans], scores, []);

    public static TraceQueries Queries(WriterTestStore store, int rareMatches = TraceQueries.RareSearchMatches)
        => new(new StoreFactory(store), rareMatches);

    public static QualityQueries Quality(WriterTestStore store)
        => new(new StoreFactory(store), new LlmObserveOptions());

    public static async Task<List<TraceScoreSummary>> SummariesAsync(WriterTestStore store, string traceId)
    {
        await using var db = store.CreateDbContext();
        return await db.TraceScores.AsNoTracking()
            .Where(s => s.ProjectId == WriterTestStore.Project && s.TraceId == traceId)
            .OrderBy(s => s.Name)
            .ToListAsync();
    }

    public static async Task<List<ScoreRollup>> RollupsAsync(WriterTestStore store, int resolution)
    {
        await using var db = store.CreateDbContext();
        return await db.ScoreRollups.AsNoTracking()
            .Where(r => r.ProjectId == WriterTestStore.Project && r.Resolution == resolution)
            .OrderBy(r => r.BucketStart).ThenBy(r => r.Name).ThenBy(r => r.Model).ThenBy(r => r.Label)
            .ToListAsync();
    }

    internal sealed class StoreFactory(WriterTestStore store) : IDbContextFactory<LlmObserveDbContext>
    {
        public LlmObserveDbContext CreateDbContext() => store.CreateDbContext();
    }
}
