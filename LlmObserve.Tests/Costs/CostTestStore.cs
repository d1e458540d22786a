using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Traces;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Costs;

/// <summary>A migrated SQLite file in a temp folder with one project; deleted on dispose.</summary>
internal sealed class CostTestStore : IDbContextFactory<LlmObserveDbContext>, IDisposable
{
    public const string Project = "p1";

    private readonly string _directory;
    private readonly string _connectionString;

    public CostTestStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "llmobserve-costs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "test.db") }
            .ToString();

        using var db = CreateDbContext();
        db.Database.Migrate();
        db.Projects.Add(new Project { Id = Project, Name = "Test" });
        db.SaveChanges();
    }

    public ManualTimeProvider Time { get; } = new();

    public LlmObserveDbContext CreateDbContext()
        => new(new DbContextOptionsBuilder<LlmObserveDbContext>().UseSqlite(_connectionString).Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
