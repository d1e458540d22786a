using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;

namespace LlmObserve.Web.Demo;

/// <summary>What became of one demo request.</summary>
internal enum DemoSendOutcome
{
    Sent,

    /// <summary>Failed on every attempt for a passing reason; the traffic goes on without it.</summary>
    Dropped,

    /// <summary>Refused for good (bad key, no endpoint, invalid body); more requests would fail the same way.</summary>
    Refused,
}

/// <summary>
/// Posts OTLP/HTTP protobuf to the app's own endpoint as any exporter would. When ingestion pushes back (429 or
/// 503) it waits as long as Retry-After asks, as often as needed; other passing failures are retried a few times.
/// </summary>
internal sealed class DemoOtlpSender(HttpClient http, Uri endpoint, string secretKey, TimeProvider time, ILogger logger)
{
    public const int MaxAttempts = 5;

    private static readonly TimeSpan _defaultRetryAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _longestWait = TimeSpan.FromMinutes(1);

    public async Task<DemoSendOutcome> SendAsync(ExportTraceServiceRequest request, CancellationToken cancellationToken)
    {
        var body = request.ToByteArray();
        var failures = 0;
        while (true)
        {
            TimeSpan wait;
            using (var message = new HttpRequestMessage(HttpMethod.Post, endpoint))
            {
                message.Content = new ByteArrayContent(body);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
                try
                {
                    using var response = await http.SendAsync(message, cancellationToken);
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        return DemoSendOutcome.Sent;
                    }

                    if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                    {
                        // Back-pressure is not a failure: wait as told and try again.
                        wait = RetryAfter(response.Headers.RetryAfter);
                        DemoLog.Throttled(logger, status, wait.TotalSeconds);
                        await Task.Delay(wait, time, cancellationToken);
                        continue;
                    }

                    if (status < 500 && response.StatusCode != HttpStatusCode.RequestTimeout)
                    {
                        DemoLog.Refused(logger, status);
                        return DemoSendOutcome.Refused;
                    }

                    failures++;
                    DemoLog.SendFailed(logger, failures, "status " + status);
                }
                catch (HttpRequestException ex)
                {
                    failures++;
                    DemoLog.SendFailed(logger, failures, ex.HttpRequestError.ToString());
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    DemoLog.SendFailed(logger, failures, "timeout");
                }
            }

            if (failures >= MaxAttempts)
            {
                DemoLog.Dropped(logger, request.ResourceSpans.Count, failures);
                return DemoSendOutcome.Dropped;
            }

            wait = TimeSpan.FromSeconds(Math.Pow(2, failures - 1));
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private TimeSpan RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => _defaultRetryAfter,
        };
        if (wait < TimeSpan.FromMilliseconds(100))
        {
            return TimeSpan.FromMilliseconds(100);
        }

        return wait > _longestWait ? _longestWait : wait;
    }
}
