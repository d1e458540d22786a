using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Live;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Scores;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;
using static LlmObserve.Tests.Scores.ScoreTestData;

namespace LlmObserve.Tests.Scores;

/// <summary>
/// The score aggregates (per trace for the list, per minute and hour for the Quality page) agree exactly with the
/// scores they sum, whatever order scores and spans arrive in and whichever connection writes them.
/// </summary>
public sealed class ScoreAggregateTests : IAsyncLifetime
{
    private const string Groundedness = "groundedness";
    private static readonly long T0Seconds = T0 / Second;

    private readonly WriterTestStore _store = new();
    private GroupCommitSpanWriter _writer = null!;

    public Task InitializeAsync()
    {
        _writer = _store.StartWriter();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Quality_ThreeScoredTraces_MeansRatesAndSplitsAreExact()
    {
        await WriteThreeScoredTracesAsync();
        var quality = Quality(_store);

        var total = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero, QualityFilter.None,
            QualitySplit.None, default);
        var byModel = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero, QualityFilter.None,
            QualitySplit.Model, default);
        var byEnvironment = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero, QualityFilter.None,
            QualitySplit.Environment, default);
        var byRelease = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero, QualityFilter.None,
            QualitySplit.Release, default);

        Assert.Equal(TimeSpan.FromMinutes(1), total.Step);
        Assert.Equal(5, total.Buckets.Count);
        Assert.Equal([Groundedness, "relevance"], total.Scores.Select(s => s.Name));
        var grounded = total.Scores[0];
        Assert.True(grounded.IsHallucinationType);
        Assert.Equal(new QualityPoint(4, 4, 0.5, 4, 2), grounded.Total.Total);
        Assert.Equal(0.5, grounded.Total.Total.FailureRate);
        Assert.Equal(new QualityPoint(3, 3, 0.5, 3, 1), grounded.Total.Points[0]);
        Assert.Equal(QualityPoint.Empty, grounded.Total.Points[1]);
        Assert.Equal(new QualityPoint(1, 1, 0.5, 1, 1), grounded.Total.Points[2]);
        Assert.Equal(
            [new LabelCount("grounded", 2, false), new LabelCount("hallucinated", 2, true)],
            grounded.Labels);
        var relevance = total.Scores[1];
        Assert.False(relevance.IsHallucinationType);
        Assert.Equal(new QualityPoint(1, 1, 1.0, 0, 0), relevance.Total.Total);
        Assert.Null(relevance.Total.Total.FailureRate);
        Assert.Empty(relevance.Labels);

        // A trace that called two models counts under both.
        var models = byModel.Scores[0].Splits.ToDictionary(s => s.Key, s => s.Total);
        Assert.Equal(new QualityPoint(2, 2, 0.375, 2, 2), models["gpt-4o"]);
        Assert.Equal(3, models["claude-sonnet-4"].Count);
        Assert.Equal(1.75 / 3, models["claude-sonnet-4"].Mean!.Value, 12);
        Assert.Equal(1.0 / 3, models["claude-sonnet-4"].FailureRate!.Value, 12);
        Assert.Equal(new QualityPoint(4, 4, 0.5, 4, 2), byModel.Scores[0].Total.Total);
        Assert.Equal(["claude-sonnet-4", "gpt-4o"], byModel.Models);

        var environments = byEnvironment.Scores[0].Splits.ToDictionary(s => s.Key, s => s.Total);
        Assert.Equal(new QualityPoint(3, 3, 0.5, 3, 1), environments["prod"]);
        Assert.Equal(new QualityPoint(1, 1, 0.5, 1, 1), environments["staging"]);
        var releases = byRelease.Scores[0].Splits.ToDictionary(s => s.Key, s => s.Total);
        Assert.Equal(new QualityPoint(2, 2, 0.375, 2, 2), releases["r1"]);
        Assert.Equal(new QualityPoint(2, 2, 0.625, 2, 0), releases["r2"]);
        Assert.Equal(["r1", "r2"], byRelease.Releases);
    }

    [Fact]
    public async Task Quality_FilteredByModelAndRelease_CountsOnlyThatTraffic()
    {
        await WriteThreeScoredTracesAsync();
        var quality = Quality(_store);

        var gpt = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero,
            new QualityFilter(null, null, "gpt-4o"), QualitySplit.None, default);
        var stagingR1 = await quality.TimelineAsync(
            WriterTestStore.Project, T0Time, T0Time.AddMinutes(5), TimeSpan.Zero,
            new QualityFilter("staging", "r1", null), QualitySplit.None, default);

        Assert.Equal(new QualityPoint(2, 2, 0.375, 2, 2), gpt.Scores.Single(s => s.Name == Groundedness).Total.Total);
        Assert.Equal(new QualityPoint(1, 1, 0.5, 1, 1), stagingR1.Scores.Single().Total.Total);
    }

    [Fact]
    public async Task TraceScores_SpanAndTraceScoresOfOneName_AreSummedPerTrace()
    {
        await WriteThreeScoredTracesAsync();

        var b = await SummariesAsync(_store, TraceId(2));
        var a = await SummariesAsync(_store, TraceId(1));

        var summary = Assert.Single(b);
        Assert.Equal((Groundedness, 2, 2, 0.625, "[\"grounded\"]"),
            (summary.Name, summary.Count, summary.ValueCount, summary.Mean!.Value, summary.LabelsJson));
        Assert.NotNull(summary.TraceRowId);
        Assert.Equal([Groundedness, "relevance"], a.Select(s => s.Name));
        Assert.Null(a[1].LabelsJson);
    }

    [Fact]
    public async Task Rollups_ScoreBeforeItsTrace_FallsAtItsOwnTimeThenMovesToTheTraceStart()
    {
        var trace = TraceId(40);
        var scoredAt = _store.Time.Now;

        await _writer.WriteAsync(Batch([], Score(trace, Groundedness, 0.25, "hallucinated")), default);
        var early = await RollupsAsync(_store, RollupResolution.Minute);
        var earlySummary = Assert.Single(await SummariesAsync(_store, trace));
        await _writer.WriteAsync(Batch(Trace(trace, 60, "prod", "r3", "gpt-4o")), default);
        var moved = await RollupsAsync(_store, RollupResolution.Minute);
        var hours = await RollupsAsync(_store, RollupResolution.Hour);

        // Until the trace arrives: at the score's own minute, in no environment, release or model.
        Assert.Equal(2, early.Count);
        Assert.All(early, r => Assert.Equal(
            (scoredAt.ToUnixTimeSeconds() / 60 * 60, "", "", "hallucinated", 1L, 0.25),
            (r.BucketStart, r.Environment, r.Release, r.Label, r.Count, r.ValueSum)));
        Assert.Equal(["", MetricRollup.AllModels], early.Select(r => r.Model));
        Assert.Null(earlySummary.TraceRowId);

        // Once it has: the old rows are gone, the score sits at the trace's start with its dimensions.
        Assert.Equal(2, moved.Count);
        Assert.All(moved, r => Assert.Equal(
            (T0Seconds + 60, "prod", "r3", 1L, 1L, 0.25),
            (r.BucketStart, r.Environment, r.Release, r.Count, r.ValueCount, r.ValueSum)));
        Assert.Equal([MetricRollup.AllModels, "gpt-4o"], moved.Select(r => r.Model));
        Assert.Equal([T0Seconds, T0Seconds], hours.Select(r => r.BucketStart));
        Assert.NotNull(Assert.Single(await SummariesAsync(_store, trace)).TraceRowId);
    }

    [Fact]
    public async Task Rollups_TraceStartMovesEarlierAfterScoring_ScoreMovesWithIt()
    {
        var trace = TraceId(41);
        var generation = Trace(trace, 90, "prod", null, "gpt-4o")[1];
        await _writer.WriteAsync(Batch([generation], Score(trace, Groundedness, 1.0)), default);
        var before = await RollupsAsync(_store, RollupResolution.Minute);

        var root = Trace(trace, 10, "prod", null)[0];
        await _writer.WriteAsync(Batch([root]), default);
        var after = await RollupsAsync(_store, RollupResolution.Minute);

        Assert.All(before, r => Assert.Equal(T0Seconds + 60, r.BucketStart));
        Assert.All(after, r => Assert.Equal((T0Seconds, 1L), (r.BucketStart, r.Count)));
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task Aggregates_ScoresWrittenByAnotherConnection_AreCaughtUpAndAnnounced()
    {
        var trace = TraceId(42);
        await _writer.WriteAsync(Batch(Trace(trace, 0, "prod", "r1", "gpt-4o")), default);
        var announced = new TaskCompletionSource<ScoreChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _store.ScoreNotifier.Subscribe(change =>
        {
            announced.TrySetResult(change);
            return Task.CompletedTask;
        });

        await using (var db = _store.CreateDbContext())
        {
            db.Scores.Add(Score(trace, Groundedness, 0.5, "grounded", createdAt: _store.Time.Now));
            db.Scores.Add(Score(trace, Groundedness, 1.0, createdAt: _store.Time.Now));
            await db.SaveChangesAsync();
        }

        await Poll.UntilScoresAggregatedAsync(_store.CreateDbContext);
        var change = await announced.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(WriterTestStore.Project, change.ProjectId);
        Assert.Equal([trace], change.TraceIds);
        var summary = Assert.Single(await SummariesAsync(_store, trace));
        Assert.Equal((2, 0.75), (summary.Count, summary.Mean!.Value));
        var all = (await RollupsAsync(_store, RollupResolution.Hour)).Where(r => r.Model == "*").ToList();
        Assert.Equal((2L, 2L, 1.5), (all.Sum(r => r.Count), all.Sum(r => r.ValueCount), all.Sum(r => r.ValueSum)));
    }

    [Fact]
    public async Task Aggregates_RecomputedTwice_ChangeNothing()
    {
        await WriteThreeScoredTracesAsync();
        var before = await RollupsAsync(_store, RollupResolution.Minute);

        using (var connection = new SqliteConnection(_store.ConnectionString))
        {
            connection.Open();
            using var maintainer = new ScoreAggregateMaintainer(connection);
            using var transaction = connection.BeginTransaction();
            var project = WriterTestStore.Project;
            maintainer.Apply(transaction, [(project, TraceId(1)), (project, TraceId(2))]);
            maintainer.Apply(transaction, [(WriterTestStore.Project, TraceId(2))]);
            transaction.Commit();
        }

        var after = await RollupsAsync(_store, RollupResolution.Minute);
        Assert.Equal(
            before.Select(r => (r.BucketStart, r.Name, r.Model, r.Label, r.Count, r.ValueCount, r.ValueSum)),
            after.Select(r => (r.BucketStart, r.Name, r.Model, r.Label, r.Count, r.ValueCount, r.ValueSum)));
    }

    [Fact]
    public async Task Aggregates_ScoresStoredBeforeTheUpgrade_AreFilledInByTheWriter()
    {
        await using var old = WriterTestStore.AtMigration("20261204211324_TraceFacets");
        await using (var db = old.CreateDbContext())
        {
            var project = WriterTestStore.Project;
            var trace = TraceId(7);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Scores" ("ProjectId", "TraceId", "Name", "Value", "Label", "Source", "CreatedAt")
                VALUES ({project}, {trace}, 'groundedness', 0.25, 'hallucinated', 'judge', 0),
                    ({project}, {trace}, 'groundedness', 0.75, NULL, 'judge', 0);
                """);
            await db.Database.MigrateAsync();
        }

        var oldWriter = old.StartWriter();
        await oldWriter.WriteAsync(Batch(Trace(TraceId(8), 0, "prod", null)), default);
        await Poll.UntilScoresAggregatedAsync(old.CreateDbContext);

        var summary = Assert.Single(await SummariesAsync(old, TraceId(7)));
        Assert.Equal((2, 0.5, "[\"hallucinated\"]"), (summary.Count, summary.Mean!.Value, summary.LabelsJson));
    }

    /// <summary>
    /// A (prod, r1, gpt-4o, minute 0): groundedness 0.25 hallucinated, relevance 1. B (prod, r2, claude, minute 0):
    /// groundedness 0.75 on the trace and 0.5 on its generation, both grounded. C (staging, r1, both models, minute
    /// 2): groundedness 0.5 hallucinated.
    /// </summary>
    private async Task WriteThreeScoredTracesAsync()
    {
        await _writer.WriteAsync(
            Batch(
                Trace(TraceId(1), 0, "prod", "r1", "gpt-4o"),
                Score(TraceId(1), Groundedness, 0.25, "hallucinated"),
                Score(TraceId(1), "relevance", 1.0)),
            default);
        await _writer.WriteAsync(
            Batch(
                Trace(TraceId(2), 30, "prod", "r2", "claude-sonnet-4"),
                Score(TraceId(2), Groundedness, 0.75, "grounded"),
                Score(TraceId(2), Groundedness, 0.5, "grounded", spanId: SpanId(2))),
            default);
        await _writer.WriteAsync(
            Batch(
                Trace(TraceId(3), 120, "staging", "r1", "gpt-4o", "claude-sonnet-4"),
                Score(TraceId(3), Groundedness, 0.5, "hallucinated")),
            default);
    }
}
