using LlmObserve.Core;
using LlmObserve.Core.Costs;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Live;
using LlmObserve.Core.Redaction;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmObserve.Web.Storage;

internal static class SpanWriterServiceCollectionExtensions
{
    /// <summary>
    /// Registers the group-commit span writer, behind the redaction and pricing steps, as the one
    /// <see cref="ISpanWriter"/>, the trace, rollup and score change notifiers it publishes to, and the hosted service
    /// that runs its loop. Needs the store (<c>AddLlmObserveStore</c>) and the costs (<c>AddLlmObserveCosts</c>).
    /// </summary>
    public static IServiceCollection AddLlmObserveIngestionWriter(this IServiceCollection services)
    {
        services.TryAddSingleton<ITraceChangeNotifier, TraceChangeNotifier>();
        services.TryAddSingleton<IRollupChangeNotifier, RollupChangeNotifier>();
        services.TryAddSingleton<IScoreChangeNotifier, ScoreChangeNotifier>();
        services.AddSingleton(sp =>
        {
            var location = sp.GetRequiredService<StoreLocation>();
            var pragmas = sp.GetRequiredService<SqlitePragmaInterceptor>();
            return new GroupCommitSpanWriter(
                new SpanWriterConnection(location.ConnectionString, pragmas.Apply),
                sp.GetRequiredService<LlmObserveOptions>(),
                sp.GetRequiredService<ITraceChangeNotifier>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<GroupCommitSpanWriter>>(),
                sp.GetRequiredService<IRollupChangeNotifier>(),
                sp.GetRequiredService<IScoreChangeNotifier>());
        });
        services.TryAddSingleton<RedactionSettingsService>();
        services.AddSingleton<ISpanWriter>(sp => new RedactingSpanWriter(
            new PricingSpanWriter(
                sp.GetRequiredService<GroupCommitSpanWriter>(),
                sp.GetRequiredService<PriceTableProvider>(),
                sp.GetRequiredService<TokenEstimator>()),
            sp.GetRequiredService<RedactionSettingsService>()));
        services.AddHostedService<SpanWriterHostedService>();

        return services;
    }
}

/// <summary>
/// Owns the writer's loop for the host: starts it before the server takes requests (hosted services start in
/// registration order, the server last) and, on shutdown, commits what is queued once the server stopped.
/// The container disposes the writer itself, closing its connection.
/// </summary>
internal sealed class SpanWriterHostedService(GroupCommitSpanWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        writer.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);
}
