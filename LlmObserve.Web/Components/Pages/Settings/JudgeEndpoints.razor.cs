using LlmObserve.Web.Evaluation;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › Judge endpoints: the project's endpoints, a form to add or change one with a "test connection" that
/// makes one real call, and deletion of an endpoint no evaluator uses.
/// </summary>
public sealed partial class JudgeEndpoints : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;
    private bool _busy;
    private long? _confirmingDelete;

    [Inject]
    private JudgeEndpointsViewModel Model { get; set; } = default!;

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

    private Task TestAsync() => WhileBusyAsync(() => Model.TestAsync(_disposed.Token));

    private Task SaveAsync() => WhileBusyAsync(() => Model.SaveAsync(_disposed.Token));

    private async Task DeleteAsync(long id)
    {
        _confirmingDelete = null;
        await Model.DeleteAsync(id, _disposed.Token);
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
