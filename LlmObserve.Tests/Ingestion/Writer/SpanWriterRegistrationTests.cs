using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

public sealed class SpanWriterRegistrationTests
{
    [Fact]
    public async Task App_Started_SpansAreRedactedPricedThenCommittedByTheWriter()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "llmobserve-app-" + Guid.NewGuid().ToString("N"));
        WebApplication? app = null;

        try
        {
            app = LlmObserveApp.Build(
            [
                "--applicationName", "LlmObserve.Web",
                "--urls", "http://127.0.0.1:0",
                "--LlmObserve:DataDirectory", dataDirectory,
                "--Logging:LogLevel:Default", "Warning",
            ]);
            await app.StartAsync();

            var writer = app.Services.GetRequiredService<ISpanWriter>();
            var result = await writer.WriteAsync(Batch(Span(TraceId(1), 1)), default);

            Assert.IsType<RedactingSpanWriter>(writer);
            Assert.Equal(new IngestResult(1, 0), result);
            Assert.Equal(1, app.Services.GetRequiredService<GroupCommitSpanWriter>().Statistics.BatchesCommitted);
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>()
                .CreateDbContextAsync();
            Assert.Equal(1, await db.Traces.CountAsync());
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
