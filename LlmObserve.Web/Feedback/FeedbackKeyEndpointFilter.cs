using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Feedback;

/// <summary>
/// Authenticates <c>POST /api/feedback</c>: a project key in <c>Authorization</c> as on every API, or, from a web
/// page, a browser key's public key (<c>X-LlmObserve-Public-Key</c> header or <c>publicKey</c> query parameter) sent
/// from one of the project's feedback origins. A browser request from any other origin is 403, even when it is a
/// simple request that needed no preflight, so nothing from a refused origin is stored.
/// </summary>
internal sealed class FeedbackKeyEndpointFilter(BrowserAccessService browserAccess) : IEndpointFilter
{
    public const string PublicKeyHeader = "X-LlmObserve-Public-Key";
    public const string PublicKeyQuery = "publicKey";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (PublicKeyOf(http.Request) is not { } publicKey)
        {
            // No browser key: the ordinary project key check, with its 401 answers.
            return await http.RequestServices.GetRequiredService<ApiKeyEndpointFilter>().InvokeAsync(context, next);
        }

        if (await browserAccess.FindKeyAsync(publicKey, http.RequestAborted) is not { } key)
        {
            return Results.Problem(
                title: "Unauthorized",
                detail: "Unknown or revoked browser key: send the public key of a feedback key of the project.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !key.Origins.Contains(BrowserAccessService.NormalizeOrigin(origin) ?? origin))
        {
            return Results.Problem(
                title: "Origin not allowed",
                detail: $"Pages from {origin} may not send feedback to this project: add the origin to the project's "
                    + "feedback origins (PUT /api/project/feedback-origins).",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var identity = new ApiKeyIdentity(key.ProjectId, 0, publicKey, "browser key", ApiKeyScope.Feedback);
        if (ApiKeyEndpointFilter.ScopeProblem(http, identity) is { } problem)
        {
            return problem;
        }

        http.Items[typeof(ApiKeyIdentity)] = identity;
        return await next(context);
    }

    public static string? PublicKeyOf(HttpRequest request)
    {
        var header = request.Headers[PublicKeyHeader].ToString();
        if (header.Length > 0)
        {
            return header.Trim();
        }

        var query = request.Query[PublicKeyQuery].ToString();
        return query.Length > 0 ? query.Trim() : null;
    }
}
