using System.Diagnostics;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>Waits for something that happens in the background, checking often and failing after a bound.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"Waited {limit.TotalSeconds:F0} s for {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until the span writer has indexed for search every trace written so far, by any connection: search is
    /// eventually consistent (the writer indexes outside the acknowledged commit).
    /// </summary>
    public static Task UntilSearchIndexedAsync(Func<LlmObserveDbContext> createDb, TimeSpan? timeout = null)
        => UntilAsync(
            async () =>
            {
                await using var db = createDb();
                return await SearchPendingAsync(db) == 0;
            },
            "the search index to catch up",
            timeout);

    /// <summary>Traces whose name or text changed and that the search index does not reflect yet.</summary>
    public static Task<int> SearchPendingAsync(LlmObserveDbContext db)
        => db.Database.SqlQueryRaw<int>("""SELECT count(*) AS "Value" FROM "TracesSearchPending" """).SingleAsync();

    /// <summary>
    /// Waits until the span writer has brought the score aggregates up to date for every scored trace listed so far
    /// (scores written by another connection are caught up by its idle pass).
    /// </summary>
    public static Task UntilScoresAggregatedAsync(Func<LlmObserveDbContext> createDb, TimeSpan? timeout = null)
        => UntilAsync(
            async () =>
            {
                await using var db = createDb();
                return await db.Database
                    .SqlQueryRaw<int>("""SELECT count(*) AS "Value" FROM "ScoreRollupPending" """)
                    .SingleAsync() == 0;
            },
            "the score aggregates to catch up",
            timeout);
}
