using LlmObserve.Core.Accounts;
using LlmObserve.Core.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmObserve.Web.Live;

/// <summary>Messages the live hub sends to browser widgets and external dashboards.</summary>
public interface ILiveClient
{
    Task TracesChanged(TracesChangedMessage message);

    Task ScoresChanged(ScoresChangedMessage message);

    Task AlertChanged(AlertChangedMessage message);
    Task DriftResultsChanged(DriftResultsChangedMessage message);
}

/// <summary>Traces that were written or updated in one commit.</summary>
public sealed record TracesChangedMessage(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>Traces whose scores (or score aggregates) changed: quality charts and score columns may redraw.</summary>
public sealed record ScoresChangedMessage(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>
/// A rule fired or resolved; <see cref="Link"/> is the trace list behind it, relative to the app's root.
/// </summary>
public sealed record AlertChangedMessage(
    string ProjectId,
    long EventId,
    string RuleName,
    string Level,
    string Status,
    double? Value,
    string Link,
    DateTimeOffset At);
/// <summary>A drift monitor stored a new run: drift charts may redraw.</summary>
public sealed record DriftResultsChangedMessage(string ProjectId, string MonitorId, long ResultId, DateTimeOffset At);

/// <summary>The typed hub at <c>/hubs/live</c>, for signed-in people (the sign-in fallback policy applies).</summary>
public sealed class LiveHub(ProjectAccessQueries access) : Hub<ILiveClient>
{
    /// <summary>Joins the caller to the change feed of a project they are a member of.</summary>
    public async Task Follow(string projectId)
    {
        var projects = Context.UserIdentifier is { } userId
            ? await access.ListAsync(userId, Context.ConnectionAborted)
            : [];
        if (!projects.Any(p => p.ProjectId == projectId))
        {
            throw new HubException("You are not a member of that project.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroup(projectId));
    }

    public Task Unfollow(string projectId)
        => Groups.RemoveFromGroupAsync(Context.ConnectionId, ProjectGroup(projectId));

    internal static string ProjectGroup(string projectId) => "project:" + projectId;
}

internal static class LiveServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveLive(this IServiceCollection services)
    {
        services.TryAddSingleton<ITraceChangeNotifier, TraceChangeNotifier>();
        services.TryAddSingleton<IRollupChangeNotifier, RollupChangeNotifier>();
        services.TryAddSingleton<IScoreChangeNotifier, ScoreChangeNotifier>();
        services.TryAddSingleton<IAlertChangeNotifier, AlertChangeNotifier>();
        services.TryAddSingleton<IDriftChangeNotifier, DriftChangeNotifier>();
        services.AddSignalR();
        services.AddHostedService<LiveHubBroadcaster>();

        return services;
    }

    public static WebApplication MapLlmObserveLive(this WebApplication app)
    {
        app.MapHub<LiveHub>("/hubs/live");

        return app;
    }
}
