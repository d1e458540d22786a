using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Annotation;

/// <summary><c>GET /api/calibration</c>: each judge evaluator against human labels, scoped by project key.</summary>
internal static class CalibrationEndpoints
{
    public static WebApplication MapLlmObserveCalibration(this WebApplication app)
    {
        app.MapGet("/api/calibration", GetAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Viewer)
            .RequireKeyScope(ApiKeyScope.Read);
        return app;
    }

    private static async Task<IResult> GetAsync(
        HttpContext http,
        CalibrationService service,
        TimeProvider time,
        CancellationToken cancel)
    {
        var parameters = http.Request.Query
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        var (query, errors) = CalibrationQuery.Parse(parameters);
        if (query is null)
        {
            return Results.ValidationProblem(errors, title: "The calibration query is not valid.");
        }

        var now = time.GetUtcNow();
        var report = await service.ReportAsync(
            http.GetApiKeyIdentity().ProjectId,
            query.From(now),
            now,
            query.Bucket,
            query.EvaluatorId,
            cancel);
        return Results.Ok(report);
    }
}
