using LlmObserve.Core;
using LlmObserve.Core.Drift.Monitors;
using Quartz;

namespace LlmObserve.Web.Drift;

/// <summary>
/// Every <see cref="DriftMonitorOptions.PollSeconds"/>, runs the monitors whose stored next run has come. The
/// schedule lives in the store (<see cref="DriftMonitor.NextRunAt"/>), so it survives a restart, and a monitor is
/// moved to its next time before it runs.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class DriftMonitorJob(
    DriftMonitorRunner runner,
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<DriftMonitorJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Drift.Monitors.Enabled)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            await runner.RunDueAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the monitor in hand was moved to its next time and runs then.
        }
        catch (Exception error)
        {
            PollFailed(logger, error);
        }
    }

    [LoggerMessage(EventId = 6210, Level = LogLevel.Error, Message = "Looking for due drift monitors failed")]
    private static partial void PollFailed(ILogger logger, Exception error);
}
