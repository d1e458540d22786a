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

    /// <summary>The first admin, made headlessly through <c>LlmObserve:Init:AdminEmail</c> and its password.</summary>
    public const string AdminEmail = "admin@llmobserve.test";

    public const string AdminPassword = "admin test password 42";

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

    /// <summary>
    /// A client that signed in through the sign-in form (antiforgery token included) and keeps the cookie; it
    /// follows no redirects, so a test sees the status the app answers with.
    /// </summary>
    public async Task<HttpClient> CreateSignedInClientAsync(
        string email = AdminEmail,
        string password = AdminPassword)
    {
        var client = CreateCookieClient();
        using var response = await SignInAsync(client, email, password);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect
            || response.Headers.Location?.OriginalString.StartsWith("/login", StringComparison.Ordinal) != false)
        {
            client.Dispose();
            throw new InvalidOperationException($"Signing in as {email} failed ({response.StatusCode}).");
        }

        return client;
    }

    /// <summary>The cookies of a signed-in person, for clients that are not an HttpClient (SignalR).</summary>
    public async Task<System.Net.CookieContainer> SignInCookiesAsync(
        string email = AdminEmail,
        string password = AdminPassword)
    {
        var cookies = new System.Net.CookieContainer();
        using var client = CreateCookieClient(cookies);
        using var response = await SignInAsync(client, email, password);
        return response.StatusCode == System.Net.HttpStatusCode.Redirect
            ? cookies
            : throw new InvalidOperationException($"Signing in as {email} failed ({response.StatusCode}).");
    }

    /// <summary>A client with a cookie jar and no redirects, signed in as nobody.</summary>
    public HttpClient CreateCookieClient(System.Net.CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler
        {
            CookieContainer = cookies ?? new System.Net.CookieContainer(),
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Posts the sign-in form as a browser would: the form's antiforgery token, then the fields.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(
        HttpClient client,
        string email,
        string password,
        string returnUrl = "/")
    {
        var form = await client.GetStringAsync(new Uri("login", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(
            form,
            "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        });
        return await client.PostAsync(new Uri("account/login", UriKind.Relative), content);
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
            ["LlmObserve:Init:AdminEmail"] = AdminEmail,
            ["LlmObserve:Init:AdminPassword"] = AdminPassword,
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
