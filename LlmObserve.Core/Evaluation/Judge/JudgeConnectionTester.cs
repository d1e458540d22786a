using LlmObserve.Core.Outbound;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>What went wrong with a connection test, so a form can put the reason beside the right field.</summary>
public enum JudgeConnectionProblem
{
    None,

    /// <summary>Nothing answered at the address, or nothing in time.</summary>
    Unreachable,

    /// <summary>The endpoint refused the key (401 or 403).</summary>
    Key,

    /// <summary>The endpoint has no such model or deployment (404).</summary>
    Model,

    /// <summary>Anything else the endpoint refused.</summary>
    Other,
}

/// <summary>The outcome of one real call to a judge endpoint.</summary>
/// <param name="Succeeded">
/// The endpoint answered a chat completion (or said it is busy, which needs a valid key).
/// </param>
/// <param name="Message">What happened, fit to show; never holds the key.</param>
/// <param name="Problem">Which setting is likely at fault when it failed.</param>
public sealed record JudgeConnectionResult(bool Succeeded, string Message, JudgeConnectionProblem Problem);

/// <summary>
/// Tests a judge endpoint with one real chat completion: one attempt, no retries, at most
/// <see cref="MaxTimeout"/>, outside the per-endpoint concurrency cap so a test never waits behind evaluations.
/// </summary>
public sealed class JudgeConnectionTester(
    TimeProvider timeProvider,
    ILogger<JudgeClient> logger,
    OutboundPolicy? outbound = null)
{
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(20);

    public async Task<JudgeConnectionResult> TestAsync(
        JudgeEndpointOptions options,
        CancellationToken cancellationToken)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            return new JudgeConnectionResult(false, string.Join(" ", errors), JudgeConnectionProblem.Other);
        }

        var probe = new JudgeEndpointOptions
        {
            Provider = options.Provider,
            Endpoint = options.Endpoint,
            Model = options.Model,
            ApiKey = options.ApiKey,
            ApiVersion = options.ApiVersion,
            Timeout = options.Timeout < MaxTimeout ? options.Timeout : MaxTimeout,
            MaxAttempts = 1,
            MaxConcurrency = 1,
            RequestJsonFormat = options.RequestJsonFormat,
        };
        var client = new JudgeClient(probe, new JudgeEndpointLimiter(), timeProvider, logger, outbound);
        var call = await client.CompleteAsync(
            "You check that a connection works. Reply with the JSON object {\"ok\": true} and nothing else.",
            "Connection test from LlmObserve.",
            cancellationToken);

        return call.Status switch
        {
            JudgeCallStatus.Completed => new JudgeConnectionResult(
                true,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{probe.DisplayEndpoint} answered as {probe.Model} ({call.Usage.TotalTokens} tokens)."),
                JudgeConnectionProblem.None),
            JudgeCallStatus.RateLimited => new JudgeConnectionResult(
                true,
                $"{probe.DisplayEndpoint} took the key but is rate limiting now (429); evaluations will wait.",
                JudgeConnectionProblem.None),
            JudgeCallStatus.TimedOut => new JudgeConnectionResult(
                false,
                $"{probe.DisplayEndpoint} did not answer within {probe.Timeout.TotalSeconds:0.#} s.",
                JudgeConnectionProblem.Unreachable),
            _ => new JudgeConnectionResult(false, call.Reason ?? "The judge endpoint failed.", call.HttpStatus switch
            {
                401 or 403 => JudgeConnectionProblem.Key,
                404 => JudgeConnectionProblem.Model,
                null or 0 => JudgeConnectionProblem.Unreachable,
                _ => JudgeConnectionProblem.Other,
            }),
        };
    }
}
