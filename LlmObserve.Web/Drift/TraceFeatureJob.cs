using LlmObserve.Core;
using LlmObserve.Core.Drift.Features;
using Quartz;

namespace LlmObserve.Web.Drift;

/// <summary>
/// Runs the feature engine every <see cref="TraceFeatureOptions.IntervalSeconds"/>, one run at a time. It reads and
/// writes the store on its own connections, after the ingestion writer has committed, so the acknowledged write path
/// never waits for it beyond SQLite's short write lock of a feature batch.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class TraceFeatureJob(
    TraceFeatureEngine engine,
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<TraceFeatureJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Drift.Features.Enabled)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            await engine.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the batch in hand was not committed and is redone by the next start.
        }
        catch (Exception error)
        {
            RunFailed(logger, error);
        }
    }

    [LoggerMessage(EventId = 6110, Level = LogLevel.Error, Message = "The feature run failed; the next run retries")]
    private static partial void RunFailed(ILogger logger, Exception error);
}

/// <summary>
/// Stops before the scheduler and waits for the cancelled feature run to let go of the store, so the app never
/// disposes the store under it.
/// </summary>
internal sealed class TraceFeatureDrain(TraceFeatureEngine engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await engine.WaitIdleAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Out of shutdown time: an uncommitted batch is simply redone.
        }
    }
}
