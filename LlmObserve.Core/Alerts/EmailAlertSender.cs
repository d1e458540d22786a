using System.Net.Sockets;
using LlmObserve.Core.Outbound;
using LlmObserve.Core.Evaluation.Judge;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LlmObserve.Core.Alerts;

/// <summary>Email over SMTP with MailKit: STARTTLS when asked and offered, login when a user is set.</summary>
public sealed class EmailAlertSender(
    ISecretProtector secrets,
    LlmObserveOptions options,
    OutboundPolicy? outbound = null) : IAlertChannelSender
{
    public string Kind => AlertChannelKind.Email;

    public async Task SendAsync(AlertChannel channel, AlertNotice notice, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(channel.EmailFrom!));
        foreach (var to in SplitAddresses(channel.EmailTo))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = "[LlmObserve] " + notice.Summary();
        message.Body = new TextPart("plain") { Text = Body(notice) };

        using var client = new SmtpClient { Timeout = (int)(options.Alerts.DeliveryTimeoutSeconds * 1000) };
        try
        {
            var security = channel.SmtpUseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None;
            var host = channel.SmtpHost ?? string.Empty;
            var port = channel.SmtpPort ?? 25;
            if (outbound is null)
            {
                await client.ConnectAsync(host, port, security, cancellationToken);
            }
            else
            {
                // The socket is connected by the outbound rules, on the address they checked, then handed over.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Alerts.DeliveryTimeoutSeconds));
                Socket socket;
                try
                {
                    socket = await outbound.ConnectAsync(host, port, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"No connection within {options.Alerts.DeliveryTimeoutSeconds} s.");
                }

                await client.ConnectAsync(socket, host, port, security, cancellationToken);
            }

            if (!string.IsNullOrEmpty(channel.SmtpUser))
            {
                var password = channel.SmtpPasswordProtected is null
                    ? string.Empty
                    : secrets.Unprotect(channel.SmtpPasswordProtected);
                await client.AuthenticateAsync(channel.SmtpUser, password, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception error) when (error is IOException or SmtpCommandException or SmtpProtocolException
            or AuthenticationException or ServiceNotConnectedException or SocketException
            or TimeoutException or System.Security.Cryptography.CryptographicException)
        {
            throw new AlertDeliveryException($"SMTP {channel.SmtpHost}:{channel.SmtpPort}: {error.Message}", error);
        }
    }

    /// <summary>Recipients of a comma- or semicolon-separated list.</summary>
    public static IReadOnlyList<string> SplitAddresses(string? list)
        => (list ?? string.Empty).Split(
            [',', ';'],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Body(AlertNotice notice) => $"""
        {notice.Summary()}

        Rule:       {notice.Rule.Name} (#{notice.Rule.Id})
        Metric:     {notice.Rule.Metric}
        Level:      {notice.Level}
        Status:     {notice.Status}
        Value:      {notice.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}
        Threshold:  {notice.Direction} {notice.Threshold?.ToString(System.Globalization.CultureInfo.InvariantCulture)}
        Samples:    {notice.Samples}
        Window:     {notice.Window.From:u} to {notice.Window.To:u}

        Traces behind it: {notice.Link}
        """;
}
