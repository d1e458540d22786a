using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Web.Hosting;

internal static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: liveness, and readiness with the store.</summary>
    public static WebApplication MapLlmObserveHealth(this WebApplication app)
    {
        app.MapGet("/health", async (
            IDbContextFactory<LlmObserveDbContext> dbFactory,
            GroupCommitSpanWriter writer,
            CancellationToken cancel) =>
        {
            var store = "unreachable";
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancel);
                store = await db.Database.CanConnectAsync(cancel) ? "ok" : "unreachable";
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Reported below as unreachable; the exception itself is not the caller's business.
            }

            var statistics = writer.Statistics;
            var ingestion = writer.IsAccepting ? "ok" : "stopped";
            var ready = store == "ok" && writer.IsAccepting;
            var body = new { status = ready ? "ok" : "degraded", store, ingestion, queued = statistics.QueuedItems };
            var status = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return Results.Json(body, statusCode: status);
        }).AllowAnonymous();

        return app;
    }
}
