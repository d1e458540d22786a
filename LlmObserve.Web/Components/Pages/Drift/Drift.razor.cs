using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Live;
using LlmObserve.Web.Drift;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Drift;

/// <summary>
/// The Drift page: the project's monitors with a form to create or change one, and for the selected monitor (in the
/// URL) its latest verdicts, score-over-time charts with thresholds, histograms, the embedding projection, topic
/// shares and what changed. A stored run of the project's monitors redraws it in place.
/// </summary>
public sealed partial class Drift : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private static readonly string[] FormFields =
    [
        "name", "features", "referenceKind", "referenceFrom", "referenceTo", "referenceMinutes", "currentMinutes",
        "intervalMinutes", "cron", "minimumSampleSize",
    ];

    private readonly CancellationTokenSource _disposed = new();
    private string? _projectId;
    private bool _hasProject = true;
    private bool _running;
    private string? _message;
    private DriftMonitorForm? _form;
    private Dictionary<string, string> _formErrors = new(StringComparer.Ordinal);
    private IDisposable? _watch;
    private CallbackThrottler? _throttler;

    [SupplyParameterFromQuery(Name = "monitor")]
    public string? MonitorId { get; set; }

    [Inject]
    private DriftViewModel Model { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private IDriftChangeNotifier Changes { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    public void Dispose()
    {
        _watch?.Dispose();
        _throttler?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        _projectId ??= await Project.GetIdAsync(_disposed.Token);
        _hasProject = _projectId is not null;
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only the interactive render gets here: a prerendered copy never subscribes.
        _throttler = new CallbackThrottler(RefreshInterval, Time, () => InvokeAsync(RefreshAsync));
        _watch = Changes.Subscribe(change =>
        {
            if (change.ProjectId == _projectId)
            {
                _throttler.Signal();
            }

            return Task.CompletedTask;
        });

        if (await TimeZone.ResolveAsync(JS))
        {
            await LoadAsync();
            StateHasChanged();
        }
    }

    private static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "–";

    private static string Percent(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    private static string Short(string text) => text.Length <= 60 ? text : text[..57] + "…";

    private static string WindowsText(DriftMonitorView monitor)
    {
        var current = $"last {Duration(monitor.CurrentMinutes)}";
        return monitor.ReferenceKind == DriftReferenceKinds.Fixed
            ? $"{current} vs fixed {monitor.ReferenceFrom:yyyy-MM-dd HH:mm}–"
                + $"{monitor.ReferenceTo:yyyy-MM-dd HH:mm} UTC"
            : $"{current} vs the {Duration(monitor.ReferenceMinutes ?? 0)} before";
    }

    private static string Duration(int minutes) => minutes switch
    {
        _ when minutes % (24 * 60) == 0 => $"{minutes / (24 * 60)} d",
        _ when minutes % 60 == 0 => $"{minutes / 60} h",
        _ => $"{minutes} min",
    };

    private async Task LoadAsync()
    {
        if (_projectId is null)
        {
            return;
        }

        await Model.LoadAsync(_projectId, MonitorId, TimeZone.Zone, _disposed.Token);
    }

    private async Task RefreshAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await LoadAsync();
        StateHasChanged();
    }

    private bool HasError(string field) => _formErrors.ContainsKey(field);

    private string? ErrorOf(string field) => _formErrors.GetValueOrDefault(field);

    private void NewMonitor()
    {
        _form = new DriftMonitorForm();
        _formErrors = new(StringComparer.Ordinal);
    }

    private void Edit(DriftMonitorView monitor)
    {
        _form = DriftMonitorForm.From(monitor, TimeZone.Zone);
        _formErrors = new(StringComparer.Ordinal);
    }

    private async Task SaveAsync()
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        if (_form is null || _projectId is null)
        {
            return;
        }

        var result = await Model.SaveAsync(_projectId, _form, TimeZone.Zone, _disposed.Token);
        if (result.Monitor is not { } saved)
        {
            _formErrors = result.NotFound
                ? new(StringComparer.Ordinal) { ["monitor"] = "The monitor was deleted meanwhile." }
                : DriftViewModel.ByField(result.Errors);
            return;
        }

        _form = null;
        _formErrors = new(StringComparer.Ordinal);
        Navigation.NavigateTo($"drift?monitor={saved.Id}");
        await LoadAsync();
    }

    private async Task RunNowAsync(string monitorId)
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        if (_projectId is null)
        {
            return;
        }

        _running = true;
        _message = null;
        try
        {
            await Model.RunNowAsync(_projectId, monitorId, _disposed.Token);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            _message = "The run failed: " + error.Message;
        }
        finally
        {
            _running = false;
        }

        if (MonitorId != monitorId)
        {
            Navigation.NavigateTo($"drift?monitor={monitorId}");
        }

        await LoadAsync();
    }

    private async Task DeleteAsync(string monitorId)
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        if (_projectId is null)
        {
            return;
        }

        await Model.DeleteAsync(_projectId, monitorId, _disposed.Token);
        await LoadAsync();
    }
}
