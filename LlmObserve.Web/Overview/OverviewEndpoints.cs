using LlmObserve.Core.Metrics;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Overview;

/// <summary>The body of <c>GET /api/metrics/overview</c>: the dashboard's timeline and top lists.</summary>
public sealed record OverviewResponse(OverviewTimeline Timeline, OverviewLeaders Leaders);

/// <summary><c>GET /metrics</c> (Prometheus) and <c>GET /api/metrics/overview</c>, scoped by project key.</summary>
internal static class OverviewEndpoints
{
    public static WebApplication MapLlmObserveOverview(this WebApplication app)
    {
        app.MapGet("/metrics", WriteMetricsAsync).RequireApiKey();
        app.MapGet("/api/metrics/overview", GetOverviewAsync).RequireApiKey();
        return app;
    }

    private static async Task WriteMetricsAsync(
        HttpContext http,
        PrometheusExposition exposition,
        CancellationToken cancel)
    {
        http.Response.ContentType = PrometheusExposition.ContentType;
        await using var writer = new StreamWriter(http.Response.Body);
        await exposition.WriteAsync(writer, http.GetApiKeyIdentity().ProjectId, cancel);
    }

    private static async Task<IResult> GetOverviewAsync(
        HttpContext http,
        OverviewQueries queries,
        TimeProvider time,
        CancellationToken cancel)
    {
        var query = http.Request.Query.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()));
        var (range, errors) = OverviewRangeParser.Parse(query, time.GetUtcNow());
        if (range is null)
        {
            return Results.ValidationProblem(errors, title: "The overview query is not valid.");
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var timeline = await queries.TimelineAsync(projectId, range.From, range.To, TimeSpan.Zero, cancel);
        var leaders = await queries.LeadersAsync(
            projectId, range.From, range.To, OverviewQueries.DefaultLeaders, cancel);
        return Results.Ok(new OverviewResponse(timeline, leaders));
    }
}

internal static class OverviewServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveOverview(this IServiceCollection services)
    {
        services.AddSingleton<OverviewQueries>();
        services.AddSingleton<PrometheusExposition>();
        services.AddScoped<OverviewViewModel>();
        return services;
    }
}
