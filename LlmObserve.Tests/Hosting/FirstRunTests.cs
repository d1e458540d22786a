using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LlmObserve.Tests.Hosting;

public sealed partial class FirstRunTests
{
    private static readonly Dictionary<string, string?> NoInitKeys = new()
    {
        ["LlmObserve:Init:PublicKey"] = null,
        ["LlmObserve:Init:SecretKey"] = null,
    };

    [Fact]
    public async Task FirstStart_WithoutInitKeys_ShowsAGeneratedKeyOnSetupThatIngests_AndKeepsItAcrossARestart()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        string secret;
        await using (var app = await RunningApp.StartAsync(dataDirectory, NoInitKeys))
        {
            using var anonymous = await app.CreateSignedInClientAsync();
            var setup = await anonymous.GetStringAsync(new Uri("setup", UriKind.Relative));
            secret = SecretKeyPattern().Match(setup).Value;
            Assert.StartsWith("sk-lo-", secret, StringComparison.Ordinal);

            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var ingest = await anonymous.PostAsync(
                new Uri("api/ingest", UriKind.Relative),
                new StringContent("""{"traces":[{"name":"first"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        }

        await using var restarted = await RunningApp.StartAsync(dataDirectory, NoInitKeys);
        using var client = await restarted.CreateSignedInClientAsync();

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

    [Fact]
    public async Task SetupPage_FirstKey_ShowsTheReadmeExporterVariablesForThisAddressAndKey()
    {
        await using var app = await RunningApp.StartAsync(settings: NoInitKeys);
        using var anonymous = await app.CreateSignedInClientAsync();
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));

        var setup = await anonymous.GetStringAsync(new Uri("setup", UriKind.Relative));

        var secret = SecretKeyPattern().Match(setup).Value;
        var expected = ReadmeExporterLines(readme)
            .Select(line => line
                .Replace("http://127.0.0.1:5000", app.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace("sk-lo-...", secret, StringComparison.Ordinal))
            .ToList();
        var shown = ExporterSettingsLines(setup);
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, shown);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_TRACES_", setup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupPage_ExporterVariables_DeliverASpanFromTheDotNetSdk()
    {
        await using var app = await RunningApp.StartAsync(settings: NoInitKeys);
        using var client = await app.CreateSignedInClientAsync();
        var setup = await client.GetStringAsync(new Uri("setup", UriKind.Relative));
        var variables = ExporterSettingsLines(setup)
            .Select(line => line["export ".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => (string?)pair[1].Trim('"'));
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", SecretKeyPattern().Match(setup).Value);
        using var source = new ActivitySource("LlmObserve.Tests.Setup." + Guid.NewGuid().ToString("N"));

        // The exporter, given no options, reads the variables from configuration exactly as from the environment.
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(
                new ConfigurationBuilder().AddInMemoryCollection(variables).Build()))
            .AddSource(source.Name)
            .AddOtlpExporter()
            .Build())
        {
            source.StartActivity("from-setup-variables")!.Dispose();
            provider.ForceFlush(30_000);
        }

        var list = await client.GetStringAsync(new Uri("api/traces", UriKind.Relative));
        Assert.Contains("\"from-setup-variables\"", list, StringComparison.Ordinal);
    }

    /// <summary>
    /// The <c>export OTEL_EXPORTER_OTLP_…</c> lines of the README's block for pointing an SDK here.
    /// </summary>
    private static IEnumerable<string> ReadmeExporterLines(string readme)
        => readme.Split('\n').Where(line => line.StartsWith("export OTEL_EXPORTER_OTLP_", StringComparison.Ordinal));

    private static string[] ExporterSettingsLines(string setupHtml)
        => WebUtility.HtmlDecode(ExporterSettingsPattern().Match(setupHtml).Groups[1].Value).Split('\n');

    [GeneratedRegex("data-testid=\"exporter-settings\"[^>]*>([^<]*)<")]
    private static partial Regex ExporterSettingsPattern();

    [GeneratedRegex("sk-lo-[0-9a-f]{48}")]
    private static partial Regex SecretKeyPattern();
}
