using LlmObserve.Core.Metrics;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Metrics;

/// <summary>
/// Top users and sessions of a long range under an environment or model filter, read from the actor slices, rank
/// the same as when every trace of the range is read, including traces corrected after they were first counted.
/// </summary>
public sealed class FilteredLeadersTests : IAsyncLifetime
{
    private static readonly string[] _environments = ["prod", "staging", ""];

    private readonly WriterTestStore _store = new();
    private OverviewQueries _fromSlices = null!;
    private OverviewQueries _fromTraces = null!;

    public async Task InitializeAsync()
    {
        var writer = _store.StartWriter();
        _fromSlices = new OverviewQueries(new Factory(_store));
        _fromTraces = new OverviewQueries(new Factory(_store), filteredLeadersFromRollups: false);

        // 40 traces, one every 3 h 7 min over five days: four users, sessions of three traces, three environments,
        // one or two models or none.
        var traceIds = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var trace = TraceId(700 + i);
            var start = (i * 187 * 60) + 5;
            var spans = new List<SpanEntity>();
            if (i % 5 != 4)
            {
                spans.Add(RollupMaintainerTests.Generation(
                    trace, 2, 1, i % 3 == 0 ? "claude-sonnet-4" : "gpt-4o", start, start + 2, 0.001 * (1 + (i % 7))));
            }

            if (i % 4 == 1)
            {
                spans.Add(RollupMaintainerTests.Generation(trace, 3, 1, "gemini-2.5-flash", start, start + 3, 0.002));
            }

            if (i % 5 == 4)
            {
                var unnamed = RollupMaintainerTests.Generation(trace, 3, 1, "x", start, start + 1, 0.0005);
                unnamed.Model = null;
                spans.Add(unnamed);
            }

            foreach (var span in spans)
            {
                span.UserId = "user-" + (i % 4);
                span.SessionId = "session-" + (i / 3);
                span.Environment = _environments[i % 3];
                span.Status = i % 6 == 0 ? SpanStatus.Error : SpanStatus.Ok;
            }

            await writer.WriteAsync(Batch([.. spans]), default);
            traceIds.Add(trace);
        }

        // Every fourth trace's root arrives afterwards and moves it to staging: its first share is taken back.
        for (var i = 0; i < 40; i += 4)
        {
            var root = Span(TraceId(700 + i), 1, null, "root", SpanType.Chain, (i * 187 * 60) + 4, (i * 187 * 60) + 9);
            root.Environment = "staging";
            root.UserId = "user-" + (i % 4);
            root.SessionId = "session-" + (i / 3);
            await writer.WriteAsync(Batch(root), default);
        }

        RollupReads.Apply(_store, [.. traceIds]);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public static TheoryData<string?, string?> Filters() => new()
    {
        { "prod", null },
        { "staging", null },
        { "", null },
        { null, "gpt-4o" },
        { null, "gemini-2.5-flash" },
        { null, "" },
        { "staging", "claude-sonnet-4" },
        { "prod", "no-such-model" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task TopActors_FilterOverRaggedDays_SameAsFromEveryTrace(string? environment, string? model)
    {
        var filter = new OverviewFilter(environment, model);
        var from = UnixNanos.ToDateTimeOffset(T0).AddHours(7).AddMinutes(13);
        var to = from.AddDays(4).AddHours(3);
        Assert.True(OverviewQueries.LeadersAreWholeDays(from, to));

        foreach (var kind in (string[])[ActorRollup.UserKind, ActorRollup.SessionKind])
        {
            var sliced = await _fromSlices.TopActorsAsync(
                WriterTestStore.Project, kind, from, to, 100, filter, default);
            var scanned = await _fromTraces.TopActorsAsync(
                WriterTestStore.Project, kind, from, to, 100, filter, default);

            Assert.Equal(scanned, sliced);
        }
    }

    [Fact]
    public async Task TopActors_ProdOverRaggedDays_NonEmptyAndExcludesOtherEnvironments()
    {
        var filter = new OverviewFilter("prod", null);
        var from = UnixNanos.ToDateTimeOffset(T0).AddHours(7).AddMinutes(13);

        var users = await _fromSlices.TopActorsAsync(
            WriterTestStore.Project, ActorRollup.UserKind, from, from.AddDays(4).AddHours(3), 10, filter, default);
        var all = await _fromSlices.TopActorsAsync(
            WriterTestStore.Project, ActorRollup.UserKind, from, from.AddDays(4).AddHours(3), 10, default);

        Assert.NotEmpty(users);
        Assert.True(users.Sum(u => u.Requests) < all.Sum(u => u.Requests));
    }

    private sealed class Factory(WriterTestStore store) : IDbContextFactory<LlmObserveDbContext>
    {
        public LlmObserveDbContext CreateDbContext() => store.CreateDbContext();
    }
}
