using System.Globalization;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › API keys: the project's keys with their scope, last use and state; a dialog that creates one and shows
/// its secret once, with the exporter settings to paste; revocation after a confirmation.
/// </summary>
public sealed partial class ApiKeys : IDisposable
{
    private static readonly DialogOptions _dialogOptions = new() { MaxWidth = MaxWidth.Medium, FullWidth = true };
    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;
    private bool _busy;
    private ApiKeyView? _confirmingRevoke;
    private string? _copyNotice;

    [Inject]
    private ApiKeysViewModel Model { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

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

    private static string Time(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string ScopeLabel(string scope) => scope switch
    {
        ApiKeyScope.All => "all: everything, settings included",
        ApiKeyScope.Ingest => "ingest: traces, scores and feedback",
        ApiKeyScope.Read => "read: traces, sessions, metrics, datasets",
        ApiKeyScope.Feedback => "feedback: POST /api/feedback only",
        _ => scope,
    };

    private string Environment(CreatedApiKey created)
        => ApiKeysViewModel.OtlpEnvironment(Navigation.BaseUri, created.SecretKey);

    private async Task CopyAsync(string text)
    {
        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", _disposed.Token, text);
            _copyNotice = "Copied.";
        }
        catch (JSException)
        {
            _copyNotice = "The browser refused the clipboard: select the text and copy it by hand.";
        }
    }

    private void OnCreateVisibleChanged(bool visible)
    {
        if (!visible)
        {
            CloseCreate();
        }
    }

    private void CloseCreate()
    {
        _copyNotice = null;
        Model.CloseCreate();
    }

    private void OnRevokeVisibleChanged(bool visible)
    {
        if (!visible)
        {
            _confirmingRevoke = null;
        }
    }

    private Task CreateAsync() => WhileBusyAsync(() => Model.CreateAsync(_disposed.Token));

    private Task RevokeAsync()
    {
        var key = _confirmingRevoke;
        _confirmingRevoke = null;
        return key is null ? Task.CompletedTask : WhileBusyAsync(() => Model.RevokeAsync(key.Id, _disposed.Token));
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
