using LlmObserve.Core;
using LlmObserve.Core.Outbound;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// The safe defaults of the web host (README, "Security defaults"): security headers, cookies that are Secure over
/// HTTPS and SameSite, request body and SignalR message limits, and the rules for outbound destinations.
/// </summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveSecurity(this IServiceCollection services)
    {
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton(provider => new OutboundPolicy(
            provider.GetRequiredService<LlmObserveOptions>().Outbound,
            provider.GetRequiredService<IHostResolver>()));

        // Every cookie the app or a later login sets: Secure when the request came over HTTPS, never cross-site
        // on a POST. HttpOnly is left to each cookie: the reviewer's name is read by the page's script.
        services.Configure<CookiePolicyOptions>(options =>
        {
            options.Secure = CookieSecurePolicy.SameAsRequest;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            options.HttpOnly = HttpOnlyPolicy.None;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
        });

        services.AddOptions<HubOptions>().Configure<LlmObserveOptions>((hub, options) =>
            hub.MaximumReceiveMessageSize = options.Security.MaxHubMessageBytes);

        return services;
    }

    /// <summary>First in the pipeline, so that every answer, an error page included, carries the headers.</summary>
    public static WebApplication UseLlmObserveSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseCookiePolicy();
        return app;
    }

    /// <summary>After routing, so that an endpoint's own limit is known.</summary>
    public static WebApplication UseLlmObserveRequestLimits(this WebApplication app)
    {
        app.UseMiddleware<RequestBodyLimits>();
        return app;
    }
}
