using System.Text.Json.Serialization;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// Unexpected failures answer with an RFC 7807 problem that carries a correlation id and nothing of the exception;
/// the detail goes to the log under the same id. Unknown pages get a page that says so, with status 404, and so do
/// pages of a trace, session or user that does not exist (<see cref="PrerenderStatus"/>).
/// </summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddLlmObserveErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["correlationId"] = context.HttpContext.TraceIdentifier);

        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddHttpContextAccessor();
        services.AddScoped<PrerenderStatus>();

        // A stray infinity in stored data must never cut an API answer short.
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.NumberHandling |= JsonNumberHandling.AllowNamedFloatingPointLiterals);

        return services;
    }

    public static WebApplication UseLlmObserveErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

        return app;
    }
}
