using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Web.Projects;

/// <summary>
/// Lets a request through only with a valid project key whose scope covers the route's
/// <see cref="KeyScopeMetadata"/>, and makes its project available to the handler through
/// <see cref="ApiKeyHttpContextExtensions.GetApiKeyIdentity"/>. Without a key, a signed-in person's cookie is
/// checked against their role instead (<see cref="UserApiAccess"/>). A missing or wrong key is a 401 problem that
/// says why; a key of the wrong scope is a 403 problem naming the scope needed and the key's.
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

        if (ScopeProblem(http, identity) is { } problem)
        {
            return problem;
        }

        http.Items[typeof(ApiKeyIdentity)] = identity;
        return await next(context);
    }

    /// <summary>
    /// The 403 for a key whose scope does not cover the route; null when it does. A route that declares no scope is
    /// refused to every key, so a forgotten declaration closes the route rather than opening it.
    /// </summary>
    public static IResult? ScopeProblem(HttpContext http, ApiKeyIdentity identity)
    {
        var required = http.GetEndpoint()?.Metadata.GetMetadata<KeyScopeMetadata>()?.Scope;
        if (required is not null && ApiKeyScope.Grants(identity.Scope, required))
        {
            return null;
        }

        return Results.Problem(
            title: "Forbidden",
            detail: required is null
                ? "This route declares no key scope, so no key may call it."
                : $"This route needs a key with scope '{required}' (or 'all'); this key's scope is '{identity.Scope}'.",
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?>
            {
                ["requiredScope"] = required,
                ["keyScope"] = identity.Scope,
            });
    }
}

/// <summary>The key scope a route needs (<see cref="ApiKeyScope"/>); the last one declared wins.</summary>
public sealed record KeyScopeMetadata(string Scope);

/// <summary>Marks a route as key-authenticated, so a test can find every such route and check its scope.</summary>
public sealed record ApiKeyRequiredMetadata;

/// <summary>
/// The role a signed-in person needs to call a route with their cookie instead of a key: <see cref="Read"/> for GET
/// and HEAD, <see cref="Write"/> for the other methods. A route that declares none takes a key only, so a forgotten
/// declaration closes the route to people rather than opening it; the last one declared wins.
/// </summary>
public sealed record ProjectRoleMetadata(ProjectRole Read, ProjectRole Write);

internal static class ApiKeyHttpContextExtensions
{
    /// <summary>
    /// Requires a project key (or a signed-in person's cookie) on every endpoint of the group or route; pair it with
    /// a scope. The filter does the authentication, so the sign-in fallback policy (a cookie) does not apply.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.AllowAnonymous()
            .WithMetadata(new ApiKeyRequiredMetadata())
            .AddEndpointFilter<TBuilder, ApiKeyEndpointFilter>();

    /// <summary>
    /// Declares the key scope a route (or every route of a group) needs; on a route it overrides its group's.
    /// </summary>
    public static TBuilder RequireKeyScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
        => ApiKeyScope.IsKnown(scope)
            ? builder.WithMetadata(new KeyScopeMetadata(scope))
            : throw new ArgumentException($"Unknown key scope '{scope}'.", nameof(scope));

    /// <summary>
    /// Declares the role a signed-in person needs on every method of the route (or of every route of a group); on a
    /// route it overrides its group's.
    /// </summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, ProjectRole role)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ProjectRoleMetadata(role, role));

    /// <summary>Declares the role a signed-in person needs to read (GET, HEAD) and to change (other methods).</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, ProjectRole read, ProjectRole write)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ProjectRoleMetadata(read, write));

    public static ApiKeyIdentity GetApiKeyIdentity(this HttpContext context)
        => context.Items[typeof(ApiKeyIdentity)] as ApiKeyIdentity
            ?? throw new InvalidOperationException("The endpoint does not require an API key.");
}
