using LlmObserve.Core.Annotation;

namespace LlmObserve.Web.Annotation;

internal static class AnnotationServiceCollectionExtensions
{
    /// <summary>Annotation queues (service and API) and the reviewer identity of the pages.</summary>
    public static IServiceCollection AddLlmObserveAnnotation(this IServiceCollection services)
    {
        services.AddSingleton<AnnotationService>();
        services.AddScoped<ReviewerIdentity>();
        return services;
    }
}
