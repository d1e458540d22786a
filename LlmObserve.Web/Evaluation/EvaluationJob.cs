using LlmObserve.Core;
using LlmObserve.Core.Evaluation.Engine;
using Quartz;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// Runs the evaluation engine every <see cref="EvaluationOptions.IntervalSeconds"/>. One run at a time: the engine's
/// state is all in the store, so a run that is still busy is simply not doubled, and a restart carries on.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class EvaluationJob(
    EvaluationEngine engine,
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<EvaluationJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Evaluation.Enabled)
        {
            return;
        }

        // Stopping the app stops the run at once: its evaluations in progress are handed back, not waited for.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            await engine.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping; the next start picks up where this run left off.
        }
        catch (Exception error)
        {
            // The store was unavailable or something unforeseen failed: the next run tries again.
            EvaluationWebLog.RunFailed(logger, error);
        }
    }
}
