using LlmObserve.Core.Experiments;

namespace LlmObserve.Web.Datasets;

/// <summary>Wakes the experiment worker when an experiment is queued, so it starts at once, not on its poll.</summary>
internal sealed class ExperimentSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; one wake-up runs every queued experiment.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => _wake.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Runs queued experiments in the background: at once when one is queued, and every few seconds for those a restart
/// left unfinished (their done items are kept; the rest run again).
/// </summary>
internal sealed partial class ExperimentWorker(
    ExperimentRunner runner,
    ExperimentSignal signal,
    ILogger<ExperimentWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunPendingAsync(stoppingToken);
                await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The store was busy or something unforeseen failed: try again after the poll interval.
                RunFailed(logger, error);
                await Task.Delay(Poll, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "An experiment run failed; it is retried.")]
    private static partial void RunFailed(ILogger logger, Exception error);
}
