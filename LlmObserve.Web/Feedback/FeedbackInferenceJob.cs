using LlmObserve.Core;
using LlmObserve.Core.Feedback;
using Quartz;

namespace LlmObserve.Web.Feedback;

/// <summary>Infers implicit signals from sessions every <c>Feedback:InferenceIntervalSeconds</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class FeedbackInferenceJob(
    SessionSignalInference inference,
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<FeedbackInferenceJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Feedback.InferenceEnabled)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken,
            lifetime.ApplicationStopping);
        try
        {
            var stored = await inference.RunAsync(stop.Token);
            if (stored > 0)
            {
                FeedbackWebLog.Inferred(logger, stored);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the queue and the cursor are in the store; the next start carries on.
        }
        catch (Exception error)
        {
            FeedbackWebLog.InferenceFailed(logger, error);
        }
    }
}
