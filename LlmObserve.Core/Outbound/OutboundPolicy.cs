using System.Net;
using System.Net.Sockets;

namespace LlmObserve.Core.Outbound;

/// <summary>
/// Decides whether LlmObserve may connect to a user-configured destination, both when it is saved (a clear message
/// naming the rule) and at connect time on the address actually resolved, so that a name which later resolves
/// elsewhere (DNS rebinding) is refused too. HTTP clients get a handler whose every connection passes through
/// <see cref="ConnectAsync"/>; SMTP is handed a socket connected the same way.
/// </summary>
public sealed class OutboundPolicy
{
    private const string AllowedHostsSetting = "LlmObserve:Outbound:AllowedHosts";
    private const string BlockPrivateSetting = "LlmObserve:Outbound:BlockPrivateNetworks";

    private static readonly IPNetwork[] LinkLocalAndMetadata =
    [
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fd00:ec2::254/128"),
        IPNetwork.Parse("100.100.100.200/32"),
    ];

    private static readonly IPNetwork[] PrivateNetworks =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
    ];

    private readonly IHostResolver _resolver;
    private readonly bool _blockPrivate;
    private readonly List<IPNetwork> _allowedNetworks;
    private readonly List<string> _allowedNames;
    private HttpClient? _judgeClient;

    public OutboundPolicy(OutboundOptions options, IHostResolver resolver)
    {
        _resolver = resolver;
        _blockPrivate = options.BlockPrivateNetworks;
        var (networks, names, errors) = ParseAllowedHosts(options.AllowedHosts);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _allowedNetworks = networks;
        _allowedNames = names;
    }

    /// <summary>No allow-list, private networks allowed, the system resolver: the defaults.</summary>
    public static OutboundPolicy Default { get; } = new(new OutboundOptions(), new DnsHostResolver());

    /// <summary>
    /// One HTTP client for every judge and experiment model endpoint: connections pass the rules, redirects are not
    /// followed (an API answers where it is asked), and the judge client's own timeout governs.
    /// </summary>
    public HttpClient JudgeHttpClient => _judgeClient ??= new HttpClient(CreateHandler(allowRedirects: false))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Every fault of an <c>AllowedHosts</c> value, for the start-up validation.</summary>
    public static IReadOnlyList<string> ValidateAllowedHosts(string? value) => ParseAllowedHosts(value).Errors;

    /// <summary>
    /// Why an address of <paramref name="host"/> is refused, naming the rule and the setting that governs it, or
    /// null when the rules allow it.
    /// </summary>
    public string? RefusalOf(string host, IPAddress address)
    {
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_allowedNetworks.Any(network => network.Contains(ip)))
        {
            return null;
        }

        if (LinkLocalAndMetadata.Any(network => network.Contains(ip)))
        {
            return $"{Shown(host, ip)} is a link-local or cloud metadata address (169.254.0.0/16, fe80::/10, "
                + $"fd00:ec2::254, 100.100.100.200); it is refused unless {AllowedHostsSetting} lists the address.";
        }

        if (_allowedNames.Count > 0 || _allowedNetworks.Count > 0)
        {
            return NameAllowed(host)
                ? null
                : $"{Shown(host, ip)} is not in {AllowedHostsSetting}, which lists the only destinations allowed.";
        }

        if (_blockPrivate && PrivateNetworks.Any(network => network.Contains(ip)))
        {
            return $"{Shown(host, ip)} is a loopback or private-network address, refused because "
                + $"{BlockPrivateSetting} is on.";
        }

        return null;
    }

    /// <summary>
    /// The save-time check of a destination: its literal address, or every address its name resolves to now. A
    /// name that does not resolve yet is not refused here; the connect-time check still applies when it does.
    /// </summary>
    public async Task<string?> CheckAsync(string host, CancellationToken cancellationToken)
    {
        host = Bare(host);
        if (host.Length == 0)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }

        return addresses.Select(address => RefusalOf(host, address)).FirstOrDefault(refusal => refusal is not null);
    }

    /// <summary>
    /// Resolves <paramref name="host"/>, refuses it when any address it resolves to is refused, and connects a TCP
    /// socket to the first address that answers.
    /// </summary>
    /// <exception cref="OutboundRefusedException">The rules refuse the destination.</exception>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        host = Bare(host);
        var addresses = await _resolver.ResolveAsync(host, cancellationToken);
        foreach (var address in addresses)
        {
            if (RefusalOf(host, address) is { } refusal)
            {
                throw new OutboundRefusedException("Not connected: " + refusal);
            }
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, cancellationToken);
                return socket;
            }
            catch (SocketException error)
            {
                socket.Dispose();
                last = error;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>A handler whose every connection is made by <see cref="ConnectAsync"/>.</summary>
    public SocketsHttpHandler CreateHandler(bool allowRedirects) => new()
    {
        AllowAutoRedirect = allowRedirects,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    private bool NameAllowed(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        return _allowedNames.Any(allowed => allowed.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(allowed[1..], StringComparison.Ordinal)
            : name == allowed);
    }

    private static string Shown(string host, IPAddress ip)
        => IPAddress.TryParse(host, out _) ? ip.ToString() : $"{host} resolves to {ip}, which";

    private static string Bare(string host) => host.Trim().TrimStart('[').TrimEnd(']');

    private static (List<IPNetwork> Networks, List<string> Names, List<string> Errors) ParseAllowedHosts(
        string? value)
    {
        var networks = new List<IPNetwork>();
        var names = new List<string>();
        var errors = new List<string>();
        var entries = (value ?? string.Empty).Split(
            [',', ' ', ';', '\t', '\n'],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(Bare(entry), out var address))
            {
                var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                networks.Add(new IPNetwork(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (IPNetwork.TryParse(entry, out var network))
                {
                    networks.Add(network);
                }
                else
                {
                    errors.Add($"{AllowedHostsSetting}: '{entry}' is not a valid CIDR range (e.g. 10.20.0.0/16).");
                }
            }
            else if (Uri.CheckHostName(entry.TrimStart('*', '.')) == UriHostNameType.Dns)
            {
                names.Add(entry.TrimEnd('.').ToLowerInvariant());
            }
            else
            {
                errors.Add($"{AllowedHostsSetting}: '{entry}' is not a host name, address or CIDR range.");
            }
        }

        return (networks, names, errors);
    }
}
