using LlmObserve.Core.Live;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmObserve.Web.Traces;

internal static class TracesServiceCollectionExtensions
{
    /// <summary>Registers the trace queries and what the trace pages need.</summary>
    public static IServiceCollection AddLlmObserveTraces(this IServiceCollection services)
    {
        services.AddSingleton<TraceQueries>();
        services.AddSingleton<SpanQueries>();
        services.AddSingleton<SessionQueries>();

        // The span writer registers the notifier it publishes to; this keeps the pages working without it.
        services.TryAddSingleton<ITraceChangeNotifier, TraceChangeNotifier>();
        services.TryAddSingleton<IScoreChangeNotifier, ScoreChangeNotifier>();

        services.AddTransient<TraceListViewModel>();
        services.AddTransient<TraceDetailViewModel>();
        services.AddSingleton<TracePageHandoff>();
        services.AddTransient<SessionPagesModel>();
        services.AddScoped<ViewerTimeZone>();

        return services;
    }
}
