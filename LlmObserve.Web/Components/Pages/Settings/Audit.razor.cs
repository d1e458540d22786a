using LlmObserve.Web.Audit;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>Settings › Audit log: the project's audit events filtered by action and time, a page at a time.</summary>
public sealed partial class Audit : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;

    [Inject]
    private AuditViewModel Model { get; set; } = default!;

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

    private Task ApplyAsync() => Model.ApplyAsync(_disposed.Token);

    private Task OlderAsync() => Model.OlderAsync(_disposed.Token);

    private Task NewerAsync() => Model.NewerAsync(_disposed.Token);
}
