using LlmObserve.Core.Evaluation.Engine;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// Stops before the scheduler does (hosted services stop in reverse order of registration) and waits until the
/// evaluation run, cancelled by the stopping application, has handed its evaluations back, so a graceful stop never
/// leaves them to the lease.
/// </summary>
internal sealed class EvaluationDrain(EvaluationEngine engine) : IHostedService
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
            // The host's shutdown time is up: the leases cover what was not handed back.
        }
    }
}
