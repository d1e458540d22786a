using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Hosting;

/// <summary>
/// No Docker engine runs here, so this publishes the app the way the Dockerfile does and runs the output the way
/// the container does: environment variables only, a fresh data directory, Production.
/// </summary>
public sealed class PublishedAppTests
{
    [Fact]
    public async Task PublishedApp_FreshDataDirectory_ServesPagesIngestsAndKeepsAcknowledgedDataAfterAKill()
    {
        var workDirectory = RunningApp.CreateTempDirectory();
        var publishDirectory = Path.Combine(workDirectory, "app");
        var dataDirectory = Path.Combine(workDirectory, "data");
        var publish = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", "LlmObserve.Web/LlmObserve.Web.csproj", "-c", "Release", "-o", publishDirectory,
                "/p:UseAppHost=false"],
            RepoPaths.Root,
            TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, publish.Output + publish.Error);

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        const string traceId = "5b8efff798038103d269b633813fc60c";
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningApp.SecretKey);

        using (var app = StartPublished(publishDirectory, dataDirectory, port))
        {
            await WaitForHealthAsync(client, app);

            using var person = new HttpClient(new HttpClientHandler { CookieContainer = new(), AllowAutoRedirect = false })
            {
                BaseAddress = baseAddress,
            };
            using var signIn = await RunningApp.SignInAsync(person, RunningApp.AdminEmail, RunningApp.AdminPassword);
            var page = await person.GetStringAsync(new Uri("traces", UriKind.Relative));
            var css = await client.GetAsync(new Uri("_content/MudBlazor/MudBlazor.min.css", UriKind.Relative));
            var ingest = await client.PostAsync(
                new Uri("api/ingest", UriKind.Relative),
                new StringContent(
                    $$"""{"traces":[{"id":"{{traceId}}","name":"from-the-container","input":"hi","output":"hello"}]}""",
                    Encoding.UTF8,
                    "application/json"));

            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Contains("data-testid=\"nav-menu\"", page, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "llmobserve.db")));

            // The acknowledgement promised durability: a kill without any shutdown must not lose the trace.
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }

        using (var restarted = StartPublished(publishDirectory, dataDirectory, port))
        {
            await WaitForHealthAsync(client, restarted);

            var trace = await client.GetStringAsync(new Uri($"api/traces/{traceId}", UriKind.Relative));

            Assert.Contains("from-the-container", trace, StringComparison.Ordinal);
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
        }

        Directory.Delete(workDirectory, recursive: true);
    }

    private static Process StartPublished(string publishDirectory, string dataDirectory, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = publishDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("LlmObserve.Web.dll");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["LlmObserve__DataDirectory"] = dataDirectory;
        start.Environment["LlmObserve__Init__PublicKey"] = RunningApp.PublicKey;
        start.Environment["LlmObserve__Init__SecretKey"] = RunningApp.SecretKey;
        start.Environment["LlmObserve__Init__AdminEmail"] = RunningApp.AdminEmail;
        start.Environment["LlmObserve__Init__AdminPassword"] = RunningApp.AdminPassword;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the published app.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process app)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(app.HasExited, $"The published app exited with {(app.HasExited ? app.ExitCode : 0)}.");
            try
            {
                var health = await client.GetAsync(new Uri("health", UriKind.Relative));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail("The published app did not become healthy within 60 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
