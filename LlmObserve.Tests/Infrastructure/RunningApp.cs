using System.Net.Http.Headers;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// The real application on Kestrel at 127.0.0.1 on a free port, with its own SQLite file in a temporary data
/// directory and a known key pair set through the first-run settings.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    public const string PublicKey = "pk-lo-test-public";
    public const string SecretKey = "sk-lo-test-secret-0123456789";

    private readonly bool _ownsDirectory;
    private WebApplication? _app;

    private RunningApp(string dataDirectory, bool ownsDirectory)
    {
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The app is stopped.");

    /// <summary>
    /// Starts the app; pass a data directory to reuse a store, settings to override configuration, and a callback to
    /// add services (registered before the app's own, so a service the app adds only if absent can be replaced).
    /// The evaluation and feature jobs and the session inference are off unless the settings turn them on: they
    /// would load the offline models in every test app.
    /// </summary>
    public static async Task<RunningApp> StartAsync(
        string? dataDirectory = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= CreateTempDirectory();
        var running = new RunningApp(dataDirectory, ownsDirectory);
        await running.StartInternalAsync(settings, configure);
        return running;
    }

    public static string CreateTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmobserve-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public HttpClient CreateClient(bool authenticated = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
        }

        return client;
    }

    public T GetRequiredService<T>()
        where T : notnull
        => Services.GetRequiredService<T>();

    /// <summary>Stops the app gracefully, keeping the data directory.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a finalising connection: the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>
    /// Sends every log event the app would let through to a provider, down to Trace whatever the configured levels,
    /// into the process-wide <see cref="TestLogSink"/>; the app's own floors for categories that log request content
    /// apply to it as to any provider.
    /// </summary>
    private static void RecordLogs(ILoggingBuilder logging)
    {
        logging.AddProvider(TestLogSink.CreateProvider());
        logging.AddFilter<TestLogSink.SinkProvider>(null, LogLevel.Trace);
        foreach (var (category, minimum) in LoggingDefaults.Floors)
        {
            logging.AddFilter<TestLogSink.SinkProvider>(category, minimum);
        }
    }

    private async Task StartInternalAsync(
        IReadOnlyDictionary<string, string?>? settings,
        Action<WebApplicationBuilder>? configure)
    {
        var values = new Dictionary<string, string?>
        {
            ["LlmObserve:DataDirectory"] = DataDirectory,
            ["LlmObserve:Init:PublicKey"] = PublicKey,
            ["LlmObserve:Init:SecretKey"] = SecretKey,
            ["LlmObserve:Evaluation:Enabled"] = "false",
            ["LlmObserve:Drift:Features:Enabled"] = "false",
            ["LlmObserve:Feedback:InferenceEnabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (settings is not null)
        {
            foreach (var (key, value) in settings)
            {
                values[key] = value;
            }
        }

        _app = LlmObserveApp.Build(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(values);
                RecordLogs(builder.Logging);
                configure?.Invoke(builder);
            });
        await _app.StartAsync();

        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().TrimEnd('/') + "/");
    }
}
