using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// The official OpenTelemetry .NET SDK exporting OTLP/HTTP protobuf to the running app, as an instrumented
/// application would. Each client has its own ActivitySource so parallel tests never see each other's spans.
/// </summary>
public sealed class DotNetOtelClient : IDisposable
{
    private readonly TracerProvider _provider;

    public DotNetOtelClient(
        Uri endpoint,
        string secretKey,
        IEnumerable<KeyValuePair<string, object>> resourceAttributes,
        string path = "v1/traces")
    {
        Source = new ActivitySource("LlmObserve.Tests." + Guid.NewGuid().ToString("N"), "1.0.0");
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(Source.Name)
            .SetSampler(new AlwaysOnSampler())
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(resourceAttributes))
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = new Uri(endpoint, path);
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.Headers = $"Authorization=Bearer {secretKey}";
                otlp.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
    }

    public ActivitySource Source { get; }

    /// <summary>Starts a span with an explicit parent context (default: a new trace).</summary>
    public Activity Start(
        string name,
        ActivityContext parent = default,
        ActivityKind kind = ActivityKind.Internal,
        IEnumerable<KeyValuePair<string, object?>>? tags = null,
        DateTimeOffset startTime = default)
        => Source.StartActivity(name, kind, parent, tags, links: null, startTime)
            ?? throw new InvalidOperationException("The SDK did not sample the span.");

    /// <summary>Exports everything ended so far; true when the exporter reported success.</summary>
    public bool Flush() => _provider.ForceFlush(30_000);

    public void Dispose()
    {
        _provider.Dispose();
        Source.Dispose();
    }
}
