using System.Data.Common;
using LlmObserve.Core;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LlmObserve.Web.Storage;

internal static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveStore(this IServiceCollection services)
    {
        services.AddSingleton<StoreLocation>();
        services.AddSingleton<SqlitePragmaInterceptor>();
        services.AddDbContextFactory<LlmObserveDbContext>((sp, db) =>
        {
            var location = sp.GetRequiredService<StoreLocation>();
            db.UseSqlite(location.ConnectionString);

            // Migrate() would diff the whole model against the last migration's snapshot at every start to warn of
            // a change without a migration; that diff was a tenth of a start. A test holds that check instead.
            db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            db.AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>());
        });

        return services;
    }

    /// <summary>Creates the data directory and applies migrations before the app takes traffic.</summary>
    public static WebApplication UseLlmObserveStore(this WebApplication app)
    {
        var location = app.Services.GetRequiredService<StoreLocation>();
        StoreFileModes.Prepare(location);

        using var db = app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>().CreateDbContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");

        return app;
    }
}

/// <summary>
/// The store holds prompts and answers: on Unix its folder (when the app makes it) is the owner's only, and the
/// database with its WAL and shared-memory files is readable by the owner only, like the data protection keys.
/// SQLite gives the WAL and shared-memory files the database file's mode. A mode stricter than that is kept.
/// </summary>
internal static class StoreFileModes
{
    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void Prepare(StoreLocation location)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(location.DataDirectory);
            return;
        }

        if (!Directory.Exists(location.DataDirectory))
        {
            Directory.CreateDirectory(location.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite
                | UnixFileMode.UserExecute);
        }

        if (!File.Exists(location.DatabasePath))
        {
            // An empty file is an empty SQLite database; made here, it never exists with the umask's looser mode.
            using var created = new FileStream(location.DatabasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }

        string[] files = [location.DatabasePath, location.DatabasePath + "-wal", location.DatabasePath + "-shm"];
        foreach (var path in files)
        {
            if (File.Exists(path))
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & GroupAndOthers) != 0)
                {
                    File.SetUnixFileMode(path, mode & ~GroupAndOthers);
                }
            }
        }
    }
}

/// <summary>Resolves the data directory and the SQLite file in it.</summary>
public sealed class StoreLocation
{
    public StoreLocation(LlmObserveOptions options, IHostEnvironment environment)
    {
        DataDirectory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DataDirectory));
        DatabasePath = Path.Combine(DataDirectory, options.Storage.DatabaseFile);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DataDirectory { get; }

    public string DatabasePath { get; }

    public string ConnectionString { get; }
}

/// <summary>Sets the per-connection pragmas that SQLite does not persist in the file.</summary>
internal sealed class SqlitePragmaInterceptor(LlmObserveOptions options) : DbConnectionInterceptor
{
    private readonly string _pragmas =
        $"PRAGMA synchronous={options.Storage.Synchronous.ToUpperInvariant()}; PRAGMA busy_timeout=30000; " +
        "PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        => Apply(connection);

    public override Task ConnectionOpenedAsync(
        DbConnection connection,
        ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    public void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }
}
