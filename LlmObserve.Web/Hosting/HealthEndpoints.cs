using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Web.Hosting;

internal static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: liveness, and readiness with the store.</summary>
    public static WebApplication MapLlmObserveHealth(this WebApplication app)
    {
        app.MapGet("/health", async (IDbContextFactory<LlmObserveDbContext> dbFactory, CancellationToken cancel) =>
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancel);
                var canConnect = await db.Database.CanConnectAsync(cancel);
                return canConnect
                    ? Results.Ok(new { status = "ok", store = "ok" })
                    : Results.Json(new { status = "degraded", store = "unreachable" }, statusCode: 503);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "degraded", store = "unreachable" }, statusCode: 503);
            }
        });

        return app;
    }
}
