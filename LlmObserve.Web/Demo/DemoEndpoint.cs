namespace LlmObserve.Web.Demo;

/// <summary>Finds the app's own OTLP traces endpoint among the addresses the server listens on.</summary>
internal static class DemoEndpoint
{
    /// <summary>
    /// The traces endpoint on the first plain-HTTP address (else the first address). Wildcard hosts are reached
    /// through the loopback interface. Null when no address is usable.
    /// </summary>
    public static Uri? FromServerAddresses(IEnumerable<string> addresses)
    {
        var list = addresses.ToList();
        var address = list.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? list.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var scheme = address[..schemeEnd];
        var rest = address[(schemeEnd + 3)..];
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        var portStart = authority.LastIndexOf(':');
        var ipv6End = authority.IndexOf(']', StringComparison.Ordinal);
        if (portStart < 0 || portStart < ipv6End)
        {
            return null;
        }

        var host = authority[..portStart];
        var port = authority[(portStart + 1)..];
        if (host is "0.0.0.0" or "[::]" or "+" or "*" or "")
        {
            host = "127.0.0.1";
        }

        return Uri.TryCreate($"{scheme}://{host}:{port}/v1/traces", UriKind.Absolute, out var endpoint)
            ? endpoint
            : null;
    }
}
