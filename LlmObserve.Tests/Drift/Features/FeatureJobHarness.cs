using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Evaluation;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Drift.Features;

/// <summary>
/// The real app on Kestrel with the feature job on a short interval (sharing the test run's MiniLM), and helpers that
/// send traces through <c>/api/ingest</c> and read the store as it is.
/// </summary>
internal sealed class FeatureJobHarness : IAsyncDisposable
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, string?> _settings;

    private FeatureJobHarness(string dataDirectory, Dictionary<string, string?> settings)
    {
        DataDirectory = dataDirectory;
        _settings = settings;
    }

    public string DataDirectory { get; }

    public RunningApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static async Task<FeatureJobHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["LlmObserve:Drift:Features:Enabled"] = "true",
            ["LlmObserve:Drift:Features:IntervalSeconds"] = "0.2",
            ["LlmObserve:Drift:Features:SettleSeconds"] = "0.3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var harness = new FeatureJobHarness(RunningApp.CreateTempDirectory(), values);
        await harness.StartAppAsync();
        return harness;
    }

    public async Task StartAppAsync()
    {
        App = await RunningApp.StartAsync(
            DataDirectory,
            _settings,
            builder => builder.Services.AddSingleton(SharedOfflineModels.Catalog));
        Client = App.CreateClient();
    }

    public async Task StopAppAsync()
    {
        Client.Dispose();
        await App.StopAsync();
    }

    public LlmObserveDbContext CreateDb()
        => App.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>().CreateDbContext();

    public LlmObserveDbContext OpenStoppedStore()
        => new(new DbContextOptionsBuilder<LlmObserveDbContext>()
            .UseSqlite($"Data Source={Path.Combine(DataDirectory, "llmobserve.db")}")
            .Options);

    /// <summary>Sends traces, each with one generation span that reports its cost.</summary>
    public async Task IngestAsync(IEnumerable<FeatureTrace> traces)
    {
        var response = await Client.PostAsJsonAsync("api/ingest", new
        {
            traces = traces.Select(trace => new
            {
                id = trace.Id,
                name = "support-answer",
                environment = trace.Environment,
                input = trace.Input,
                output = trace.Output,
                startTime = trace.Start,
                endTime = trace.Start.AddMilliseconds(trace.LatencyMs),
                spans = new object[]
                {
                    new
                    {
                        name = "answer",
                        type = "generation",
                        model = trace.Model,
                        startTime = trace.Start,
                        endTime = trace.Start.AddMilliseconds(trace.LatencyMs),
                        output = trace.Output,
                        cost = trace.Cost,
                    },
                },
            }),
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<List<TraceFeatureRow>> FeaturesAsync()
    {
        await using var db = CreateDb();
        return await db.TraceFeatures.AsNoTracking().ToListAsync();
    }

    public Task WaitForFeaturesAsync(int count)
        => Poll.UntilAsync(
            async () => (await FeaturesAsync()).Count >= count,
            $"{count} traces to be featured",
            JobTimeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing holds the file; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>A trace to send.</summary>
internal sealed record FeatureTrace(
    string Id,
    string Input,
    string Output,
    DateTimeOffset Start,
    double LatencyMs,
    double Cost,
    string Model = "gpt-4o-mini",
    string? Environment = "production")
{
    private static readonly string[] Questions =
    [
        "I forgot the password for the customer portal. How do I reset it without calling support?",
        "Where is the order I placed last week? It has not arrived and the tracking page shows nothing.",
        "Can I still change the delivery address of my parcel, or is it too late for that now?",
        "Comment puis-je annuler mon abonnement avant la fin du mois sans payer de frais ?",
    ];

    private static readonly string[] Answers =
    [
        "Open the login page, choose the reset link below the form and follow the email we send you.",
        "Your order left the warehouse yesterday and should arrive within two business days.",
        "Yes, you can change the address in your account until the parcel ships.",
        "Vous pouvez annuler votre abonnement à tout moment depuis la page de votre compte.",
    ];

    /// <summary>The n-th of a repeating mix of English and French questions and answers.</summary>
    public static FeatureTrace Number(int n, DateTimeOffset start) => new(
        Guid.NewGuid().ToString("N"),
        Questions[n % Questions.Length],
        Answers[n % Answers.Length],
        start.AddSeconds(n),
        200 + (n * 10),
        0.001 * (n + 1));
}
