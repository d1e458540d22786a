using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LlmObserve.Core.Outbound;

namespace LlmObserve.Tests.Security;

/// <summary>
/// Resolves the names a test sets to the addresses it sets, without DNS; other names are unknown and address
/// literals resolve to themselves, as with the system resolver. A name can be pointed elsewhere at any time, as a
/// rebinding DNS server would.
/// </summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public FakeHostResolver Set(string name, params string[] addresses)
    {
        _names[name] = [.. addresses.Select(IPAddress.Parse)];
        return this;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        => IPAddress.TryParse(host, out var literal) ? Task.FromResult(new[] { literal })
            : _names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses)
            : throw new SocketException((int)SocketError.HostNotFound);
}
