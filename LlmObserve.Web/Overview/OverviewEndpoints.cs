using LlmObserve.Core.Accounts;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Overview;

/// <summary>
/// The body of <c>GET /api/metrics/overview</c>: the dashboard's timeline, top lists and the range's user feedback
/// (over all traffic: the environment and model filters do not apply to it).
/// </summary>
public sealed record OverviewResponse(OverviewTimeline Timeline, OverviewLeaders Leaders, FeedbackRates Feedback);

/// <summary><c>GET /metrics</c> (Prometheus) and <c>GET /api/metrics/overview</c>, scoped by project key.</summary>
internal static class OverviewEndpoints
{
    public static WebApplication MapLlmObserveOverview(this WebApplication app)
    {
        app.MapGet("/metrics", WriteMetricsAsync).RequireApiKey().RequireKeyScope(ApiKeyScope.Read);
        app.MapGet("/api/metrics/overview", GetOverviewAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Viewer)
            .RequireKeyScope(ApiKeyScope.Read);
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
        FeedbackRateQueries feedback,
        TimeProvider time,
        CancellationToken cancel)
    {
        var parameters = http.Request.Query
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()))
            .ToList();
        var (query, errors) = OverviewRangeParser.ParseQuery(parameters, time.GetUtcNow());
        if (query is null)
        {
            return Results.ValidationProblem(errors, title: "The overview query is not valid.");
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var range = query.Range;
        var timeline = await queries.TimelineAsync(
            projectId, range.From, range.To, TimeSpan.Zero, query.Filter, cancel);
        var leaders = await queries.LeadersAsync(
            projectId, range.From, range.To, OverviewQueries.DefaultLeaders, query.Filter, cancel);

        // A split keeps the one breakdown asked for; without one, both come back.
        timeline = query.Split switch
        {
            OverviewSplit.Environment => timeline with { ByModel = [] },
            OverviewSplit.Model => timeline with { ByEnvironment = [] },
            _ => timeline,
        };
        // Feedback is counted over all traffic, so its rates are per request only when the requests are too.
        var rates = await feedback.RatesAsync(
            projectId,
            timeline.From,
            timeline.To,
            query.Filter.IsEmpty ? timeline.Total.Total.Requests : null,
            cancel);
        return Results.Ok(new OverviewResponse(timeline, leaders, rates));
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
