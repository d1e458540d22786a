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
            db.AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>());
        });

        return services;
    }

    /// <summary>Creates the data directory and applies migrations before the app takes traffic.</summary>
    public static WebApplication UseLlmObserveStore(this WebApplication app)
    {
        var location = app.Services.GetRequiredService<StoreLocation>();
        Directory.CreateDirectory(location.DataDirectory);

        using var db = app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>().CreateDbContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");

        return app;
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
