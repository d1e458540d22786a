using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Quality;

/// <summary><c>GET /api/metrics/quality</c>: the Quality page's data, scoped by project key.</summary>
internal static class QualityEndpoints
{
    public static WebApplication MapLlmObserveQuality(this WebApplication app)
    {
        app.MapGet("/api/metrics/quality", GetQualityAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Viewer)
            .RequireKeyScope(ApiKeyScope.Read);
        return app;
    }

    private static async Task<IResult> GetQualityAsync(
        HttpContext http,
        QualityQueries queries,
        TimeProvider time,
        CancellationToken cancel)
    {
        var parameters = http.Request.Query
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .ToList();
        var (query, errors) = QualityQueryParser.Parse(parameters, time.GetUtcNow());
        if (query is null)
        {
            return Results.ValidationProblem(errors, title: "The quality query is not valid.");
        }

        var range = query.Range;
        var timeline = await queries.TimelineAsync(
            http.GetApiKeyIdentity().ProjectId,
            range.From,
            range.To,
            TimeSpan.Zero,
            query.Filter,
            query.Split,
            cancel);
        return Results.Ok(timeline);
    }
}

internal static class QualityServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveQuality(this IServiceCollection services)
    {
        services.AddSingleton<QualityQueries>();
        services.AddScoped<QualityViewModel>();
        return services;
    }
}
