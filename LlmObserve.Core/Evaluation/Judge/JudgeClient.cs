using LlmObserve.Core.Outbound;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using Azure.AI.OpenAI;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Asks one judge endpoint for a chat completion, patiently: a timeout per attempt, retries with exponential
/// backoff and jitter on 429, 408, 5xx and timeouts that honour the server's Retry-After, and a cap on requests
/// in flight per endpoint. The client library's own retries are off so that these are the only ones.
/// </summary>
public sealed class JudgeClient
{
    private readonly JudgeEndpointOptions _options;
    private readonly ChatClient _chat;
    private readonly JudgeEndpointLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public JudgeClient(
        JudgeEndpointOptions options,
        JudgeEndpointLimiter limiter,
        TimeProvider timeProvider,
        ILogger<JudgeClient> logger,
        OutboundPolicy? outbound = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                "The judge endpoint is misconfigured: " + string.Join(" ", errors),
                nameof(options));
        }

        _options = options;
        _chat = CreateChatClient(options, outbound);
        _limiter = limiter;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public JudgeEndpointOptions Options => _options;

    public async Task<JudgeCall> CompleteAsync(string instructions, string prompt, CancellationToken cancellationToken)
    {
        // An experiment's model may be asked without a system message; a judge always has its instructions.
        ChatMessage[] messages = string.IsNullOrEmpty(instructions)
            ? [new UserChatMessage(prompt)]
            : [new SystemChatMessage(instructions), new UserChatMessage(prompt)];
        var completionOptions = new ChatCompletionOptions
        {
            Temperature = _options.Temperature,
            MaxOutputTokenCount = _options.MaxOutputTokens,
        };
        if (_options.RequestJsonFormat)
        {
            completionOptions.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();
        }

        var usage = JudgeUsage.None;
        for (var attempt = 1; ; attempt++)
        {
            var retry = await AttemptAsync(messages, completionOptions, attempt, cancellationToken);
            usage = Add(usage, retry.Usage);
            if (retry.Final is { } final)
            {
                return final with { Usage = usage, Attempts = attempt };
            }

            var delay = retry.ServerWait ?? Backoff(attempt);
            if (attempt >= _options.MaxAttempts || delay > _options.MaxRetryDelay)
            {
                var reason = attempt >= _options.MaxAttempts
                    ? $"{retry.Reason} after {attempt} attempts."
                    : $"{retry.Reason}; the server asked to wait {delay.TotalSeconds:0.#} s, longer than the "
                        + $"{_options.MaxRetryDelay.TotalSeconds:0.#} s allowed.";
                _logger.GaveUp(_options.DisplayEndpoint, _options.Model, retry.Status.ToString(), attempt);
                var httpStatus = int.TryParse(retry.StatusText, CultureInfo.InvariantCulture, out var code)
                    ? code
                    : (int?)null;
                return new JudgeCall(retry.Status, null, reason, usage, attempt, httpStatus, retry.ServerWait);
            }

            _logger.Retrying(
                _options.DisplayEndpoint,
                _options.Model,
                retry.StatusText,
                attempt + 1,
                _options.MaxAttempts,
                delay.TotalMilliseconds,
                retry.ServerWait is not null);
            await Task.Delay(delay, _timeProvider, cancellationToken);
        }
    }

    private async Task<AttemptResult> AttemptAsync(
        ChatMessage[] messages,
        ChatCompletionOptions completionOptions,
        int attempt,
        CancellationToken cancellationToken)
    {
        using var slot = await _limiter.AcquireAsync(_options, cancellationToken);
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await _chat.CompleteChatAsync(messages, completionOptions, linked.Token);
            var completion = result.Value;
            var text = string.Concat(completion.Content
                .Where(part => part.Kind == ChatMessageContentPartKind.Text)
                .Select(part => part.Text));
            var usage = UsageOf(completion.Usage);
            return AttemptResult.Done(new JudgeCall(JudgeCallStatus.Completed, text, null, usage, attempt), usage);
        }
        catch (ClientResultException error) when (IsRetryable(error.Status))
        {
            var status = error.Status == 429 ? JudgeCallStatus.RateLimited : JudgeCallStatus.Failed;
            var reason = error.Status == 429
                ? "Rate limited by the judge endpoint (429)"
                : string.Create(CultureInfo.InvariantCulture, $"The judge endpoint kept failing ({error.Status})");
            return new AttemptResult(null, status, error.Status.ToString(CultureInfo.InvariantCulture), reason,
                ServerWaitOf(error.GetRawResponse()), JudgeUsage.None);
        }
        catch (ClientResultException error) when (error.Status == 0)
        {
            var errorType = (error.InnerException ?? error).GetType().Name;
            _logger.Unreachable(_options.DisplayEndpoint, _options.Model, errorType);
            return AttemptResult.Done(Failed($"The judge endpoint {_options.DisplayEndpoint} could not be reached."));
        }
        catch (ClientResultException error)
        {
            _logger.Failed(_options.DisplayEndpoint, _options.Model, error.Status);
            var refusal = Failed(error.Status switch
            {
                401 or 403 => $"The judge endpoint refused the key ({error.Status}).",
                404 => $"The judge endpoint has no model or deployment named '{_options.Model}' (404).",
                _ => string.Create(
                    CultureInfo.InvariantCulture,
                    $"The judge endpoint refused the call ({error.Status})."),
            });
            return AttemptResult.Done(refusal with { HttpStatus = error.Status });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"The judge did not answer within {_options.Timeout.TotalSeconds:0.###} s";
            return new AttemptResult(null, JudgeCallStatus.TimedOut, "timeout", reason, null, JudgeUsage.None);
        }
        catch (HttpRequestException error)
        {
            _logger.Unreachable(_options.DisplayEndpoint, _options.Model, error.GetType().Name);
            return AttemptResult.Done(Failed($"The judge endpoint {_options.DisplayEndpoint} could not be reached."));
        }
    }

    private static bool IsRetryable(int status) => status is 408 or 429 || status >= 500;

    private static JudgeCall Failed(string reason) => new(JudgeCallStatus.Failed, null, reason, JudgeUsage.None, 0);

    private TimeSpan? ServerWaitOf(PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        response.Headers.TryGetValue("Retry-After", out var retryAfter);
        response.Headers.TryGetValue("retry-after-ms", out var retryAfterMs);
        return RetryAfter.Parse(retryAfter, retryAfterMs, _timeProvider.GetUtcNow());
    }

    /// <summary>Exponential from the base delay, capped, with jitter so waiters do not return together.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private JudgeUsage UsageOf(ChatTokenUsage? usage)
    {
        if (usage is null)
        {
            return JudgeUsage.None;
        }

        var cost = ((usage.InputTokenCount * _options.InputPricePerMillionTokens)
            + (usage.OutputTokenCount * _options.OutputPricePerMillionTokens)) / 1_000_000m;
        return new JudgeUsage(usage.InputTokenCount, usage.OutputTokenCount, cost, Reported: true);
    }

    private static JudgeUsage Add(JudgeUsage total, JudgeUsage more) => new(
        total.InputTokens + more.InputTokens,
        total.OutputTokens + more.OutputTokens,
        total.Cost + more.Cost,
        total.Reported || more.Reported);

    /// <summary>
    /// The chat client; with outbound rules, its requests go through their client, so every connection is checked
    /// on the address it resolves to and no redirect is followed.
    /// </summary>
    private static ChatClient CreateChatClient(JudgeEndpointOptions options, OutboundPolicy? outbound)
    {
        var transport = outbound is null ? null : new HttpClientPipelineTransport(outbound.JudgeHttpClient);
        // Keyless local servers still get a placeholder: the client library refuses an empty credential.
        var credential = new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "none" : options.ApiKey);
        var noRetries = new ClientRetryPolicy(maxRetries: 0);

        if (options.Provider == JudgeProvider.AzureOpenAI)
        {
            var version = options.ApiVersion == "2024-06-01"
                ? AzureOpenAIClientOptions.ServiceVersion.V2024_06_01
                : AzureOpenAIClientOptions.ServiceVersion.V2024_10_21;
            var azureOptions = new AzureOpenAIClientOptions(version)
            {
                RetryPolicy = noRetries,
                NetworkTimeout = options.Timeout,
            };
            if (transport is not null)
            {
                azureOptions.Transport = transport;
            }

            return new AzureOpenAIClient(options.Endpoint!, credential, azureOptions).GetChatClient(options.Model);
        }

        var openAIOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            RetryPolicy = noRetries,
            NetworkTimeout = options.Timeout,
        };
        if (transport is not null)
        {
            openAIOptions.Transport = transport;
        }

        return new ChatClient(options.Model, credential, openAIOptions);
    }

    private sealed record AttemptResult(
        JudgeCall? Final,
        JudgeCallStatus Status,
        string StatusText,
        string Reason,
        TimeSpan? ServerWait,
        JudgeUsage Usage)
    {
        public static AttemptResult Done(JudgeCall call, JudgeUsage? usage = null) =>
            new(call, call.Status, string.Empty, string.Empty, null, usage ?? JudgeUsage.None);
    }
}
