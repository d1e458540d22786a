using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// The official OpenTelemetry JavaScript SDK with its OTLP/HTTP exporters (JSON and protobuf), driven through
/// <c>LlmObserve.Tests/Clients/js/send-spans.js</c>. The .NET exporter speaks protobuf only, so JSON comes from here.
/// Its packages are installed from the lock file on first use.
/// </summary>
public static class JsOtelClient
{
    private static readonly SemaphoreSlim _installGate = new(1, 1);
    private static bool _installed;

    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "LlmObserve.Tests", "Clients", "js");

    public sealed record SentIds(string TraceId, string SpanId);

    /// <summary>Sends the spans of <paramref name="spec"/> (see send-spans.js) and returns their ids in order.</summary>
    public static async Task<IReadOnlyList<SentIds>> SendAsync(JsonObject spec)
    {
        await EnsureInstalledAsync();
        var specFile = Path.Combine(Path.GetTempPath(), $"otel-spec-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(specFile, spec.ToJsonString());
        try
        {
            var result = await ProcessRunner.RunAsync("node", ["send-spans.js", specFile], Directory, TimeSpan.FromSeconds(60));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"send-spans.js exited {result.ExitCode}: {result.Output} {result.Error}");
            }

            using var answer = JsonDocument.Parse(result.Output);
            return [.. answer.RootElement.GetProperty("ids").EnumerateArray()
                .Select(id => new SentIds(id.GetProperty("traceId").GetString()!, id.GetProperty("spanId").GetString()!))];
        }
        finally
        {
            File.Delete(specFile);
        }
    }

    private static async Task EnsureInstalledAsync()
    {
        await _installGate.WaitAsync();
        try
        {
            if (_installed || System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@opentelemetry")))
            {
                _installed = true;
                return;
            }

            var install = await ProcessRunner.RunAsync(
                "npm",
                ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
                Directory,
                TimeSpan.FromMinutes(5));
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {Directory}: {install.Error}");
            }

            _installed = true;
        }
        finally
        {
            _installGate.Release();
        }
    }
}
