using System.Net;
using LlmObserve.Core.Outbound;

namespace LlmObserve.Tests.Security;

/// <summary>
/// The outbound rules on their own. Names resolve through a fake resolver and every refused address is refused
/// before a socket exists, so nothing here sends a packet anywhere.
/// </summary>
public sealed class OutboundPolicyTests
{
    private readonly FakeHostResolver _resolver = new FakeHostResolver()
        .Set("metadata.test", "169.254.169.254")
        .Set("judge.internal", "10.9.9.9")
        .Set("ranged.test", "10.20.1.1")
        .Set("elsewhere.test", "203.0.113.5")
        .Set("local.test", "127.0.0.1");

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("100.100.100.200")]
    [InlineData("::ffff:169.254.169.254")]
    public async Task LinkLocalOrMetadataAddress_WithDefaults_IsRefusedNamingTheRule(string address)
    {
        var policy = Policy(new OutboundOptions());

        var refusal = await policy.CheckAsync(address, CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("link-local or cloud metadata", refusal, StringComparison.Ordinal);
        Assert.Contains("LlmObserve:Outbound:AllowedHosts", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameResolvingToMetadata_IsRefusedAtSaveAndAtConnect()
    {
        var policy = Policy(new OutboundOptions());

        var refusal = await policy.CheckAsync("metadata.test", CancellationToken.None);
        var connect = await Assert.ThrowsAsync<OutboundRefusedException>(
            () => policy.ConnectAsync("metadata.test", 80, CancellationToken.None));

        Assert.StartsWith("metadata.test resolves to 169.254.169.254", refusal, StringComparison.Ordinal);
        Assert.Contains("metadata.test resolves to 169.254.169.254", connect.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebinding_NameAllowedAtSaveThenPointedAtMetadata_IsRefusedAtConnect()
    {
        var policy = Policy(new OutboundOptions());
        _resolver.Set("rebind.test", "127.0.0.1");
        Assert.Null(await policy.CheckAsync("rebind.test", CancellationToken.None));

        _resolver.Set("rebind.test", "127.0.0.1", "169.254.169.254");

        await Assert.ThrowsAsync<OutboundRefusedException>(
            () => policy.ConnectAsync("rebind.test", 80, CancellationToken.None));
    }

    [Fact]
    public async Task HttpHandler_ToANameResolvingToMetadata_FailsWithTheRefusal()
    {
        using var client = new HttpClient(Policy(new OutboundOptions()).CreateHandler(allowRedirects: false));

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.GetAsync(new Uri("http://metadata.test/latest/meta-data/")));

        Assert.IsType<OutboundRefusedException>(error.InnerException);
        Assert.Contains("link-local or cloud metadata", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.1")]
    [InlineData("local.test")]
    public async Task PrivateOrLoopback_IsAllowedByDefault_AndRefusedWhenBlocked(string host)
    {
        var open = Policy(new OutboundOptions());
        var blocked = Policy(new OutboundOptions { BlockPrivateNetworks = true });

        var allowed = await open.CheckAsync(host, CancellationToken.None);
        var refusal = await blocked.CheckAsync(host, CancellationToken.None);

        Assert.Null(allowed);
        Assert.NotNull(refusal);
        Assert.Contains("LlmObserve:Outbound:BlockPrivateNetworks", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicAddress_WithPrivateNetworksBlocked_IsAllowed()
    {
        var blocked = Policy(new OutboundOptions { BlockPrivateNetworks = true });

        Assert.Null(await blocked.CheckAsync("elsewhere.test", CancellationToken.None));
    }

    [Fact]
    public async Task AllowList_AllowsOnlyItsNamesAndRanges_EvenWithPrivateNetworksBlocked()
    {
        var policy = Policy(new OutboundOptions
        {
            AllowedHosts = "judge.internal, *.corp.test 10.20.0.0/16",
            BlockPrivateNetworks = true,
        });
        _resolver.Set("hooks.corp.test", "10.30.0.1");

        Assert.Null(await policy.CheckAsync("judge.internal", CancellationToken.None));
        Assert.Null(await policy.CheckAsync("ranged.test", CancellationToken.None));
        Assert.Null(await policy.CheckAsync("hooks.corp.test", CancellationToken.None));
        var refusal = await policy.CheckAsync("elsewhere.test", CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("is not in LlmObserve:Outbound:AllowedHosts", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedName_ResolvingToMetadata_IsStillRefused_UnlessTheAddressIsListed()
    {
        _resolver.Set("judge.internal", "169.254.169.254");
        var byName = Policy(new OutboundOptions { AllowedHosts = "judge.internal" });
        var byAddress = Policy(new OutboundOptions { AllowedHosts = "judge.internal 169.254.169.254" });

        Assert.NotNull(await byName.CheckAsync("judge.internal", CancellationToken.None));
        Assert.Null(await byAddress.CheckAsync("judge.internal", CancellationToken.None));
    }

    [Fact]
    public void AllowList_WithBadEntries_NamesEachOne()
    {
        var errors = OutboundPolicy.ValidateAllowedHosts("ok.test, 10.0.0.0/99, bad_host!");

        Assert.Equal(2, errors.Count);
        Assert.Contains("'10.0.0.0/99'", errors[0], StringComparison.Ordinal);
        Assert.Contains("'bad_host!'", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnresolvableName_IsNotRefusedAtSave_AndFailsAtConnect()
    {
        var policy = Policy(new OutboundOptions());

        Assert.Null(await policy.CheckAsync("unknown.test", CancellationToken.None));
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(
            () => policy.ConnectAsync("unknown.test", 80, CancellationToken.None));
    }

    [Fact]
    public void RefusalOf_AnAddressTheRulesAllow_IsNull()
    {
        Assert.Null(Policy(new OutboundOptions()).RefusalOf("203.0.113.5", IPAddress.Parse("203.0.113.5")));
    }

    private OutboundPolicy Policy(OutboundOptions options) => new(options, _resolver);
}
