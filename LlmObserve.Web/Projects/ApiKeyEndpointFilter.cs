using LlmObserve.Core.Projects;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Lets a request through only with a valid project key and makes its project available to the handler through
/// <see cref="ApiKeyHttpContextExtensions.GetApiKeyIdentity"/>. Without a key, a signed-in person's cookie is
/// checked against their role instead (<see cref="UserApiAccess"/>). Anything else is a 401 problem that says why.
/// </summary>
internal sealed class ApiKeyEndpointFilter(ApiKeyAuthenticator authenticator, UserApiAccess users) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var signedIn = http.User.Identity?.IsAuthenticated == true;
        if (signedIn && string.IsNullOrWhiteSpace(http.Request.Headers.Authorization))
        {
            var (person, refusal) = await users.AuthorizeAsync(http);
            if (person is null)
            {
                return refusal;
            }

            http.Items[typeof(ApiKeyIdentity)] = person;
            return await next(context);
        }

        var (identity, failure) = await authenticator.AuthenticateAsync(
            http.Request.Headers.Authorization.ToString(),
            http.RequestAborted);
        if (identity is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"LlmObserve\"";
            return Results.Problem(
                title: "Unauthorized",
                detail: failure?.Reason,
                statusCode: StatusCodes.Status401Unauthorized);
        }

        http.Items[typeof(ApiKeyIdentity)] = identity;
        return await next(context);
    }
}

internal static class ApiKeyHttpContextExtensions
{
    /// <summary>
    /// Requires a project key on every endpoint of the group or route. The filter does the authentication, so the
    /// sign-in fallback policy (a cookie) does not apply.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.AllowAnonymous().AddEndpointFilter<TBuilder, ApiKeyEndpointFilter>();

    public static ApiKeyIdentity GetApiKeyIdentity(this HttpContext context)
        => context.Items[typeof(ApiKeyIdentity)] as ApiKeyIdentity
            ?? throw new InvalidOperationException("The endpoint does not require an API key.");
}
