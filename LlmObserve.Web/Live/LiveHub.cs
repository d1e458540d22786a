using Microsoft.AspNetCore.SignalR;

namespace LlmObserve.Web.Live;

/// <summary>Messages the live hub sends to browser widgets and external dashboards.</summary>
public interface ILiveClient
{
    Task TracesChanged(TracesChangedMessage message);
}

/// <summary>Traces that were written or updated in one commit.</summary>
public sealed record TracesChangedMessage(string ProjectId, IReadOnlyList<string> TraceIds, DateTimeOffset At);

/// <summary>The typed hub at <c>/hubs/live</c>.</summary>
public sealed class LiveHub : Hub<ILiveClient>
{
}

internal static class LiveServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveLive(this IServiceCollection services)
    {
        services.AddSignalR();

        return services;
    }

    public static WebApplication MapLlmObserveLive(this WebApplication app)
    {
        app.MapHub<LiveHub>("/hubs/live");

        return app;
    }
}
