using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Hosting;

public sealed partial class FirstRunTests
{
    [Fact]
    public async Task FirstStart_WithoutInitKeys_ShowsAGeneratedKeyOnSetupThatIngests_AndKeepsItAcrossARestart()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        var noInit = new Dictionary<string, string?>
        {
            ["LlmObserve:Init:PublicKey"] = null,
            ["LlmObserve:Init:SecretKey"] = null,
        };
        string secret;
        await using (var app = await RunningApp.StartAsync(dataDirectory, noInit))
        {
            using var anonymous = app.CreateClient(authenticated: false);
            var setup = await anonymous.GetStringAsync(new Uri("setup", UriKind.Relative));
            secret = SecretKeyPattern().Match(setup).Value;
            Assert.StartsWith("sk-lo-", secret, StringComparison.Ordinal);
            Assert.Contains($"OTEL_EXPORTER_OTLP_TRACES_HEADERS=Authorization=Bearer%20{secret}", setup, StringComparison.Ordinal);

            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var ingest = await anonymous.PostAsync(
                new Uri("api/ingest", UriKind.Relative),
                new StringContent("""{"traces":[{"name":"first"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        }

        await using var restarted = await RunningApp.StartAsync(dataDirectory, noInit);
        using var client = restarted.CreateClient(authenticated: false);

        var again = await client.GetStringAsync(new Uri("setup", UriKind.Relative));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var list = await client.GetStringAsync(new Uri("api/traces", UriKind.Relative));

        Assert.Contains(secret, again, StringComparison.Ordinal);
        Assert.Contains("\"first\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(
            Directory.GetFiles(dataDirectory, "first-run-key.bin").Single()), StringComparison.Ordinal);

        await restarted.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [GeneratedRegex("sk-lo-[0-9a-f]{48}")]
    private static partial Regex SecretKeyPattern();
}
