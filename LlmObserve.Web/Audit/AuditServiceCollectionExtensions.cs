using LlmObserve.Core.Audit;

namespace LlmObserve.Web.Audit;

internal static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        services.AddHttpContextAccessor();
        services.AddScoped<AuditActor>();
        services.AddTransient<AuditViewModel>();
        return services;
    }
}
