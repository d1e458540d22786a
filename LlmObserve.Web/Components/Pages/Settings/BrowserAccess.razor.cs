using LlmObserve.Web.Feedback;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › Browser feedback: the origins a web page may send feedback from, and the browser keys it sends with,
/// created (the public key shown at once) and revoked after a confirmation.
/// </summary>
public sealed partial class BrowserAccess : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;
    private bool _busy;
    private long? _confirmingRevoke;

    [Inject]
    private BrowserAccessViewModel Model { get; set; } = default!;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync() => await Model.LoadAsync(_disposed.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private static string Created(Core.Projects.BrowserKeyView key)
        => key.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private Task SaveOriginsAsync() => WhileBusyAsync(() => Model.SaveOriginsAsync(_disposed.Token));

    private Task CreateKeyAsync() => WhileBusyAsync(() => Model.CreateKeyAsync(_disposed.Token));

    private Task RevokeAsync(long id)
    {
        _confirmingRevoke = null;
        return WhileBusyAsync(() => Model.RevokeAsync(id, _disposed.Token));
    }

    private async Task WhileBusyAsync(Func<Task> action)
    {
        _busy = true;
        try
        {
            await action();
        }
        finally
        {
            _busy = false;
        }
    }
}
