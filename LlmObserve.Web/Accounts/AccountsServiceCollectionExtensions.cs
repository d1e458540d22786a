using LlmObserve.Core;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace LlmObserve.Web.Accounts;

/// <summary>
/// Accounts: ASP.NET Core Identity on the app's own store, a sign-in cookie, an optional OpenID Connect login, and
/// a fallback policy that asks every endpoint without its own rule for a signed-in person. A request that matches no
/// route (or the wrong method of one) is answered 404 (or 405) whatever its credentials: nothing is there to guard,
/// and a 401 would send a client with a valid key looking for a fault in its key.
/// </summary>
internal static class AccountsServiceCollectionExtensions
{
    /// <summary>The scheme name of the optional OpenID Connect login.</summary>
    public const string OidcScheme = "oidc";

    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = "LlmObserve.Session";

    public static IServiceCollection AddLlmObserveAccounts(
        this IServiceCollection services,
        IConfiguration configuration)
    {
        services.AddIdentityCore<AppUser>()
            .AddEntityFrameworkStores<LlmObserveDbContext>()
            .AddSignInManager();
        services.AddOptions<IdentityOptions>().Configure<LlmObserveOptions>((identity, options) =>
        {
            // Long beats complicated: one length rule, no forced character classes (README, "Accounts").
            identity.Password.RequiredLength = options.Auth.PasswordMinLength;
            identity.Password.RequiredUniqueChars = 4;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = options.Auth.LockoutFailures;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(options.Auth.LockoutMinutes);
            identity.User.RequireUniqueEmail = true;
        });

        var authentication = services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        authentication.AddIdentityCookies();
        // The cookie carries the account's security stamp; signing out and a password change replace the stamp, and
        // this check then refuses every older cookie.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<LlmObserveOptions>((stamp, options) =>
            stamp.ValidationInterval = TimeSpan.FromSeconds(options.Auth.SessionCheckSeconds));
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<LlmObserveOptions>(ConfigureCookie);

        var oidc = configuration.GetSection($"{LlmObserveOptions.SectionName}:Auth:Oidc").Get<OidcOptions>();
        if (oidc is { Enabled: true })
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc.DisplayName, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Add("email");
                o.CallbackPath = "/signin-oidc";
                o.SaveTokens = false;
            });
        }

        services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder()
            .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true || IsUnrouted(context.Resource))
            .Build());
        services.AddCascadingAuthenticationState();

        services.AddSingleton<ProjectAccessQueries>();
        services.AddScoped<SignedInUser>();
        services.AddScoped<AccountService>();
        services.AddSingleton<UserApiAccess>();

        return services;
    }

    /// <summary>
    /// Creates the headless first admin (<c>LlmObserve:Init:AdminEmail</c>) once the store is migrated, then
    /// authenticates and authorizes every request.
    /// </summary>
    public static WebApplication UseLlmObserveAccounts(this WebApplication app)
    {
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<AccountService>()
                .EnsureInitAdminAsync(CancellationToken.None)
                .GetAwaiter()
                .GetResult();
        }

        app.UseAuthentication();
        app.UseAuthorization();

        // A page address that does not exist gets the not-found page (status code pages). Machines, and any method
        // but GET, get a problem instead: the page would be re-executed with the request's method and refuse it. The
        // static files' catch-all route makes routing answer 405 for nearly every path, so no route is a 404 here.
        app.Use((context, next) => IsUnrouted(context)
                && (IsMachinePath(context.Request.Path) || !HttpMethods.IsGet(context.Request.Method))
            ? Results.Problem(
                    title: "Not found",
                    detail: $"No route of LlmObserve answers {context.Request.Method} {context.Request.Path}.",
                    statusCode: StatusCodes.Status404NotFound)
                .ExecuteAsync(context)
            : next(context));
        return app;
    }

    /// <summary>
    /// No route matched, or routing's own 405 answer (a plain endpoint, not a mapped route) stands in for one.
    /// </summary>
    private static bool IsUnrouted(object? resource)
        => resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint;

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, LlmObserveOptions options)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = TimeSpan.FromHours(options.Auth.SessionHours);
        cookie.SlidingExpiration = true;
        cookie.LoginPath = "/login";
        cookie.LogoutPath = "/account/logout";
        cookie.ReturnUrlParameter = "ReturnUrl";

        // Machines get a status and a problem; people get the sign-in page.
        cookie.Events.OnRedirectToLogin = context => IsMachinePath(context.Request.Path)
            ? WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign in or send a key.")
            : Redirect(context);
        cookie.Events.OnRedirectToAccessDenied = context => WriteProblemAsync(
            context.HttpContext,
            StatusCodes.Status403Forbidden,
            "Your role in this project does not allow this.");
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    internal static bool IsMachinePath(PathString path)
        => path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/v1")
            || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/_blazor");

    private static Task WriteProblemAsync(HttpContext http, int status, string detail)
        => Results.Problem(
                title: status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden",
                detail: detail,
                statusCode: status)
            .ExecuteAsync(http);
}
