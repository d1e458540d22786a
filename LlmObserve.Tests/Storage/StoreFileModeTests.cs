using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Tests.Storage;

/// <summary>
/// On Unix the store's folder (made by the app) is the owner's only and the SQLite file with its WAL and
/// shared-memory files are readable by the owner only; an existing world-readable database is tightened.
/// </summary>
public sealed class StoreFileModeTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Start_InAFolderThatDoesNotExist_MakesFolder0700AndDatabaseFiles0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var parent = RunningApp.CreateTempDirectory();
        var dataDirectory = Path.Combine(parent, "data");
        try
        {
            await using (var app = await RunningApp.StartAsync(dataDirectory))
            {
                using var key = app.CreateClient();
                using var ingest = await key.PostAsync(
                    new Uri("api/ingest", UriKind.Relative),
                    new StringContent("{\"traces\":[{\"id\":\"b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1\"}]}",
                        System.Text.Encoding.UTF8, "application/json"));
                ingest.EnsureSuccessStatusCode();

                var database = Path.Combine(dataDirectory, "llmobserve.db");
                Assert.Equal(
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                    File.GetUnixFileMode(dataDirectory));
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(database));
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(database + "-wal"));
                Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(database + "-shm"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task Start_WithAWorldReadableDatabase_TightensIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dataDirectory = RunningApp.CreateTempDirectory();
        var database = Path.Combine(dataDirectory, "llmobserve.db");
        await using (var first = await RunningApp.StartAsync(dataDirectory))
        {
            await first.StopAsync();
        }

        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(database, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            await using var second = await RunningApp.StartAsync(dataDirectory);

            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(database));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
