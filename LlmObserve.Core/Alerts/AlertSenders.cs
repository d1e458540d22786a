using LlmObserve.Core.Outbound;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LlmObserve.Core.Alerts;

/// <summary>A delivery attempt that failed, with a reason fit for the alert history.</summary>
public sealed class AlertDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends notices to channels of one kind.</summary>
public interface IAlertChannelSender
{
    string Kind { get; }

    /// <exception cref="AlertDeliveryException">The channel refused the notice or could not be reached.</exception>
    Task SendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken);
}

/// <summary>
/// Posts JSON to webhook addresses. Redirects are not followed by the handler: one to the same scheme, host and port
/// is followed (up to three), one to another host fails the attempt, so a target can never forward notices elsewhere.
/// </summary>
public sealed class AlertHttpPoster(HttpClient client)
{
    private const int MaxRedirects = 3;

    /// <summary>
    /// A client whose handler follows no redirect itself and, with outbound rules, checks every connection on the
    /// address it resolves to (a redirect to the same host is checked again when it connects).
    /// </summary>
    public static HttpClient CreateClient(TimeSpan timeout, OutboundPolicy? outbound = null)
    {
        var handler = outbound?.CreateHandler(allowRedirects: false) ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    public async Task PostJsonAsync(Uri target, string json, CancellationToken cancellationToken)
    {
        var address = target;
        for (var hop = 0; ; hop++)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            HttpResponseMessage response;
            try
            {
                response = await client.PostAsync(address, content, cancellationToken);
            }
            catch (HttpRequestException error)
            {
                throw new AlertDeliveryException(
                    $"{address.Host}:{address.Port} could not be reached: {error.Message}",
                    error);
            }
            catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AlertDeliveryException($"{address.Host}:{address.Port} did not answer in time.", error);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(address, location);
                    if (!SameOrigin(target, next))
                    {
                        throw new AlertDeliveryException(
                            $"HTTP {status}: redirected to another host ({next.Host}); not followed.");
                    }

                    if (hop >= MaxRedirects)
                    {
                        throw new AlertDeliveryException($"HTTP {status}: more than {MaxRedirects} redirects.");
                    }

                    address = next;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    var shown = body.Length > 200 ? body[..200] + "…" : body;
                    var detail = shown.Length > 0 ? ": " + shown : string.Empty;
                    throw new AlertDeliveryException($"HTTP {status} {ReasonOf(response.StatusCode)}{detail}");
                }

                return;
            }
        }
    }

    private static bool SameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;

    private static string ReasonOf(HttpStatusCode code) => code.ToString();
}

/// <summary>The generic webhook: the <see cref="AlertNotice"/> as JSON, nothing else.</summary>
public sealed class WebhookAlertSender(AlertHttpPoster poster) : IAlertChannelSender
{
    /// <summary>camelCase names, as every JSON of the API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AlertChannelKind.Webhook;

    public Task SendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken)
        => poster.PostJsonAsync(new Uri(channel.Url!), JsonSerializer.Serialize(notice, Json), cancellationToken);
}

/// <summary>A Slack-compatible incoming webhook: a <c>text</c> message with the summary and the link.</summary>
public sealed class SlackAlertSender(AlertHttpPoster poster) : IAlertChannelSender
{
    public string Kind => AlertChannelKind.Slack;

    public Task SendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        var text = notice.Summary() + (Uri.IsWellFormedUriString(notice.Link, UriKind.Absolute)
            ? $"\n<{notice.Link}|Traces behind it>"
            : "\nTraces behind it: " + notice.Link);
        var json = JsonSerializer.Serialize(new { text });
        return poster.PostJsonAsync(new Uri(channel.Url!), json, cancellationToken);
    }
}
