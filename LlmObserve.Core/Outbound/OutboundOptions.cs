namespace LlmObserve.Core.Outbound;

/// <summary>
/// Which destinations the user-configured outbound calls (alert webhooks and Slack, SMTP, judge and experiment
/// model endpoints) may reach. Link-local and cloud metadata addresses are refused whatever these say, unless an
/// address or range of <see cref="AllowedHosts"/> covers them.
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>
    /// When set, the only destinations allowed: host names (<c>judge.example.com</c>, or <c>*.example.com</c> for
    /// its subdomains), addresses and CIDR ranges (<c>10.20.0.0/16</c>), separated by commas or spaces.
    /// </summary>
    public string AllowedHosts { get; set; } = string.Empty;

    /// <summary>
    /// Refuse loopback, private (RFC 1918, unique local IPv6) and shared (100.64.0.0/10) addresses too. Off by
    /// default: a self-hosted team often points LlmObserve at its own internal services.
    /// </summary>
    public bool BlockPrivateNetworks { get; set; }
}
