using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using LlmObserve.Web.Sessions;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Sessions;

/// <summary>One user of the monitored app: their volume, errors and spend, and their sessions newest first.</summary>
public sealed partial class UserView : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _loaded;
    private UserSummary? _user;

    [Inject]
    private SessionPagesModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private PrerenderStatus Status { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string UserId { get; set; } = string.Empty;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        _user = await Model.UserAsync(UserId, _disposed.Token);
        _loaded = true;
        if (_user is null)
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

    private static string SessionHref(string sessionId) => PageLinks.Session(sessionId);

    private static string TracesHref(string userId) => PageLinks.TracesOfUser(userId);
}
