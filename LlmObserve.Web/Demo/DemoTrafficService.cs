using LlmObserve.Core;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Traces.Queries;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LlmObserve.Web.Demo;

/// <summary>
/// Demo mode: once the app is listening, plays the traffic of a RAG support assistant through the app's own
/// OTLP endpoint, so every page shows data that came the way real data comes. The first start plays
/// <see cref="DemoOptions.HistoryDays"/> of history; then one live trace follows every
/// <see cref="DemoOptions.LiveIntervalSeconds"/> until the app stops.
/// </summary>
internal sealed class DemoTrafficService(
    LlmObserveOptions options,
    IHostApplicationLifetime lifetime,
    IServer server,
    ProjectBootstrapper bootstrapper,
    TraceQueries queries,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    ILogger<DemoTrafficService> logger) : BackgroundService
{
    public const string HttpClientName = "LlmObserve.Demo";
    public const string KeyName = "demo";

    /// <summary>Traces per OTLP request of the history: a few hundred spans, as a batching exporter sends.</summary>
    private const int TracesPerRequest = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Demo.Enabled)
        {
            return;
        }

        try
        {
            // Hosted services start before Kestrel listens; the endpoint is only reachable after this.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            await PlayAsync(options.Demo, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            DemoLog.Crashed(logger, ex);
        }
    }

    private async Task PlayAsync(DemoOptions demo, CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoint = DemoEndpoint.FromServerAddresses(addresses);
        if (endpoint is null)
        {
            DemoLog.NoAddress(logger);
            return;
        }

        var projectId = await queries.FirstProjectIdAsync(cancellationToken);
        if (projectId is null)
        {
            DemoLog.NoProject(logger);
            return;
        }

        var key = await bootstrapper.ReplaceKeyAsync(projectId, KeyName, cancellationToken);
        using var http = httpClientFactory.CreateClient(HttpClientName);
        var sender = new DemoOtlpSender(http, endpoint, key.SecretKey, time, logger);
        DemoLog.Starting(logger, projectId, endpoint);

        // Seeded by the start time: a restart makes fresh trace ids instead of repeating (and deduplicating) them.
        var start = time.GetUtcNow();
        var seed = unchecked((int)start.ToUnixTimeSeconds());
        var generator = new DemoTrafficGenerator(seed, start - DemoTrafficGenerator.TopicShiftBeforeNow);

        if (demo.HistoryDays > 0 && demo.HistoryTracesPerHour > 0)
        {
            if (await HistoryPresentAsync(projectId, cancellationToken))
            {
                DemoLog.HistorySkipped(logger);
            }
            else if (!await PlayHistoryAsync(demo, generator, sender, seed, start, cancellationToken))
            {
                return;
            }
        }

        DemoLog.LivePlaying(logger, demo.LiveIntervalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(demo.LiveIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var trace = generator.Next(time.GetUtcNow());
            if (await sender.SendAsync(DemoOtlp.Request([trace]), cancellationToken) == DemoSendOutcome.Refused)
            {
                return;
            }
        }
    }

    private async Task<bool> HistoryPresentAsync(string projectId, CancellationToken cancellationToken)
    {
        var demoTraces = new TraceFilter { Tag = DemoTrafficGenerator.DemoTag };
        var page = await queries.ListAsync(
            projectId,
            demoTraces,
            TraceSort.Default,
            after: null,
            limit: 1,
            cancellationToken);
        return page.Data.Count > 0;
    }

    private async Task<bool> PlayHistoryAsync(
        DemoOptions demo,
        DemoTrafficGenerator generator,
        DemoOtlpSender sender,
        int seed,
        DateTimeOffset until,
        CancellationToken cancellationToken)
    {
        var schedule = DemoTrafficGenerator.HistorySchedule(
            seed,
            until.AddDays(-demo.HistoryDays),
            until,
            demo.HistoryTracesPerHour);
        DemoLog.HistoryPlaying(logger, schedule.Count, demo.HistoryDays);

        var requests = 0;
        foreach (var batch in schedule.Chunk(TracesPerRequest))
        {
            var request = DemoOtlp.Request(batch.Select(generator.Next).ToList());
            requests++;
            if (await sender.SendAsync(request, cancellationToken) == DemoSendOutcome.Refused)
            {
                return false;
            }
        }

        DemoLog.HistoryPlayed(logger, schedule.Count, requests);
        return true;
    }
}
