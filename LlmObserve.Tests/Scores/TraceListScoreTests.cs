using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Ingestion.Writer;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;
using static LlmObserve.Tests.Scores.ScoreTestData;

namespace LlmObserve.Tests.Scores;

/// <summary>
/// The trace list's score filter and sort, through the product's queries, under both plans: starting from the score's
/// matches (few of them) and walking the sort order checking each trace (many).
/// </summary>
public sealed class TraceListScoreTests : IAsyncLifetime
{
    private const string Groundedness = "groundedness";

    private readonly WriterTestStore _store = new();

    public static TheoryData<int> Plans => new() { TraceQueries.RareSearchMatches, 0 };

    /// <summary>
    /// Traces 10 to 16, each starting ten seconds after the one before. Groundedness means: 10 → 0.1, 11 → 0.3,
    /// 12 → 0.5 (hallucinated), 13 → 0.5 (two scores, 0.25 and 0.75, grounded), 14 → 0.9, 15 → a label only
    /// (hallucinated), 16 → none (relevance only). Traces 10 and 14 called o1, the others gpt-4o.
    /// </summary>
    public async Task InitializeAsync()
    {
        var writer = _store.StartWriter();
        (int Trace, double? Value, string? Label)[] scores =
        [
            (10, 0.1, null), (11, 0.3, null), (12, 0.5, "hallucinated"), (13, 0.25, "grounded"),
            (13, 0.75, "grounded"), (14, 0.9, null), (15, null, "hallucinated"),
        ];
        for (var n = 10; n <= 16; n++)
        {
            var trace = TraceId(n);
            var mine = scores.Where(s => s.Trace == n)
                .Select(s => Score(trace, Groundedness, s.Value, s.Label))
                .Append(Score(trace, "relevance", 1.0))
                .ToArray();
            await writer.WriteAsync(
                Batch(Trace(trace, n * 10, "prod", "r1", n is 10 or 14 ? "o1" : "gpt-4o"), mine),
                default);
        }
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task List_ScoreRange_FindsTheTracesWhoseMeanLiesInIt(int rareMatches)
    {
        var filter = new TraceFilter { ScoreName = Groundedness, MinScore = 0.2, MaxScore = 0.6 };

        var page = await ListAsync(rareMatches, filter, TraceSort.Default);
        var count = await Queries(_store, rareMatches).CountAsync(WriterTestStore.Project, filter, 100, default);

        Assert.Equal([13, 12, 11], page);
        Assert.Equal(new TraceCount(3, false), count);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task List_ScoreNameOnly_FindsEveryTraceCarryingItEvenLabelOnly(int rareMatches)
    {
        var page = await ListAsync(rareMatches, new TraceFilter { ScoreName = Groundedness }, TraceSort.Default);

        Assert.Equal([15, 14, 13, 12, 11, 10], page);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task List_ScoreLabel_FindsTheTracesWithThatLabelAndHonoursBounds(int rareMatches)
    {
        var labelled = await ListAsync(
            rareMatches,
            new TraceFilter { ScoreName = Groundedness, ScoreLabel = "hallucinated" },
            TraceSort.Default);
        var labelledAndBounded = await ListAsync(
            rareMatches,
            new TraceFilter { ScoreName = Groundedness, ScoreLabel = "hallucinated", MinScore = 0.4 },
            TraceSort.Default);

        Assert.Equal([15, 12], labelled);
        Assert.Equal([12], labelledAndBounded);
    }

    [Theory]
    [InlineData(false, new[] { 15, 10, 11, 12, 13, 14 })]
    [InlineData(true, new[] { 14, 13, 12, 11, 10, 15 })]
    public async Task List_SortByScore_PagesThroughEveryScoredTraceOnceInOrder(bool descending, int[] expected)
    {
        var queries = Queries(_store);
        var filter = new TraceFilter { ScoreName = Groundedness };
        var sort = new TraceSort(TraceSortKey.Score, descending);
        var seen = new List<int>();
        TraceCursor? cursor = null;

        do
        {
            var page = await queries.ListAsync(WriterTestStore.Project, filter, sort, cursor, 2, default);
            seen.AddRange(page.Data.Select(t => Number(t.TraceId)));
            cursor = page.NextCursor is { } next && TraceCursor.TryDecode(next, out var decoded) ? decoded : null;
        }
        while (cursor is not null && seen.Count <= expected.Length);

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task List_SortByScoreWithRareModel_StartsFromTheModelAndStillSortsByScore()
    {
        var page = await ListAsync(
            TraceQueries.RareSearchMatches,
            new TraceFilter { ScoreName = Groundedness, Model = "o1" },
            new TraceSort(TraceSortKey.Score, Descending: true));

        Assert.Equal([14, 10], page);
    }

    [Fact]
    public async Task List_Rows_CarryTheirScoresPerName()
    {
        var page = await Queries(_store).ListAsync(
            WriterTestStore.Project,
            new TraceFilter { TraceIds = [TraceId(13), TraceId(16)] },
            TraceSort.Default,
            after: null,
            10,
            default);

        var thirteen = page.Data.Single(t => t.TraceId == TraceId(13));
        var sixteen = page.Data.Single(t => t.TraceId == TraceId(16));
        Assert.Equal([Groundedness, "relevance"], thirteen.Scores.Select(s => s.Name));
        var grounded = thirteen.Scores[0];
        Assert.Equal((2, 0.5, "grounded"), (grounded.Count, grounded.Mean, grounded.Labels[0]));
        Assert.Equal(["relevance"], sixteen.Scores.Select(s => s.Name));
    }

    private static int Number(string traceId) => Convert.ToInt32(traceId, 16);

    private async Task<List<int>> ListAsync(int rareMatches, TraceFilter filter, TraceSort sort)
    {
        var page = await Queries(_store, rareMatches)
            .ListAsync(WriterTestStore.Project, filter, sort, after: null, 50, default);
        return [.. page.Data.Select(t => Number(t.TraceId))];
    }
}
