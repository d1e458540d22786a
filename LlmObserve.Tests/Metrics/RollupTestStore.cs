using LlmObserve.Core.Metrics;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Metrics;

/// <summary>Reads what the rollups hold for <see cref="WriterTestStore.Project"/>.</summary>
internal static class RollupReads
{
    /// <summary>Runs the maintainer for the given traces in a transaction of its own, as the writer does.</summary>
    public static int Apply(WriterTestStore store, params string[] traceIds)
    {
        using var connection = new SqliteConnection(store.ConnectionString);
        connection.Open();
        using var maintainer = new RollupMaintainer(connection);
        using var transaction = connection.BeginTransaction();
        var changed = maintainer.Apply(transaction, traceIds.Select(t => (WriterTestStore.Project, t)));
        transaction.Commit();
        return changed;
    }

    public static async Task<List<MetricRollup>> RowsAsync(WriterTestStore store, int resolution)
    {
        await using var db = store.CreateDbContext();
        return await db.MetricRollups.AsNoTracking()
            .Where(r => r.ProjectId == WriterTestStore.Project && r.Resolution == resolution)
            .OrderBy(r => r.BucketStart).ThenBy(r => r.Environment).ThenBy(r => r.Model)
            .ToListAsync();
    }

    public static async Task<List<ActorRollup>> ActorsAsync(WriterTestStore store)
    {
        await using var db = store.CreateDbContext();
        return await db.ActorRollups.AsNoTracking()
            .Where(r => r.ProjectId == WriterTestStore.Project && r.Requests != 0)
            .ToListAsync();
    }
}
