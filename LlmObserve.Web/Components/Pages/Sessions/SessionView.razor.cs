using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Sessions;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Sessions;

/// <summary>A session read as one conversation: each trace's input is the user's turn, its output the answer.</summary>
public sealed partial class SessionView : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _loaded;
    private SessionDetail? _session;

    [Inject]
    private SessionPagesModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private PrerenderStatus Status { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string SessionId { get; set; } = string.Empty;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        _session = await Model.SessionAsync(SessionId, _disposed.Token);
        _loaded = true;
        if (_session is null)
        {
            Status.NotFound(RendererInfo);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && await TimeZone.ResolveAsync(JS))
        {
            StateHasChanged();
        }
    }

    private static double? TotalCost(SessionDetail session)
        => session.Traces.Any(t => t.Cost is not null) ? session.Traces.Sum(t => t.Cost ?? 0) : null;

    private static string TraceHref(string traceId) => PageLinks.Trace(traceId);

    private static string UserHref(string userId) => PageLinks.User(userId);
}
