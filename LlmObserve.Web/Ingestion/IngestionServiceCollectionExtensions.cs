using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Native;
using LlmObserve.Core.Ingestion.Otlp;

namespace LlmObserve.Web.Ingestion;

internal static class IngestionServiceCollectionExtensions
{
    /// <summary>The transport adapters: OTLP/HTTP and the native JSON batch, both in front of one writer.</summary>
    public static IServiceCollection AddLlmObserveIngestion(this IServiceCollection services)
    {
        services.AddSingleton(sp => new OtlpSpanMapper(
            sp.GetRequiredService<LlmObserveOptions>().Ingestion,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new NativeBatchReader(
            sp.GetRequiredService<LlmObserveOptions>().Ingestion,
            sp.GetRequiredService<TimeProvider>()));

        return services;
    }

    public static WebApplication MapLlmObserveIngestion(this WebApplication app)
    {
        app.MapOtlpIngestion();
        app.MapNativeIngestion();

        return app;
    }
}
