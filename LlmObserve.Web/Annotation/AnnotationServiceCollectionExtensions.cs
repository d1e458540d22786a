using LlmObserve.Core.Annotation;

namespace LlmObserve.Web.Annotation;

internal static class AnnotationServiceCollectionExtensions
{
    /// <summary>Annotation queues (service and API), calibration, and the reviewer identity of the pages.</summary>
    public static IServiceCollection AddLlmObserveAnnotation(this IServiceCollection services)
    {
        services.AddSingleton<AnnotationService>();
        services.AddSingleton<CalibrationService>();
        services.AddScoped<ReviewerIdentity>();
        return services;
    }
}
