using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Storage;

/// <summary>
/// The app starts without diffing its model against the last migration (that diff took a tenth of every start), so
/// this test is what catches a change to the model that has no migration.
/// </summary>
public sealed class ModelMigrationTests
{
    [Fact]
    public async Task Model_EveryChange_HasItsMigration()
    {
        await using var store = new WriterTestStore();
        await using var db = store.CreateDbContext();

        Assert.False(
            db.Database.HasPendingModelChanges(),
            "The model differs from the last migration's snapshot: add a migration (dotnet ef migrations add).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }
}
