using System.Globalization;
using LlmObserve.Core.Alerts;
using LlmObserve.Core.Live;
using LlmObserve.Web.Alerts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Alerts;

/// <summary>
/// Firing and resolved events with their deliveries (attempts, last error, next retry), newest first; redrawn when
/// a rule fires or resolves and every few seconds while retries run.
/// </summary>
public sealed partial class AlertHistory : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _subscription;
    private bool _interactive;

    [Inject]
    private AlertsViewModel Model { get; set; } = default!;

    [Inject]
    private IAlertChangeNotifier Notifier { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    public void Dispose()
    {
        _subscription?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync() => await Model.LoadAsync(true, _disposed.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _interactive = true;
        _subscription = Notifier.Subscribe(_ => ReloadAsync());
        StateHasChanged();
        _ = RefreshAsync(_disposed.Token);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await ReloadAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private static string Clock(DateTimeOffset time, string format)
        => time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>What an event's link opens: the Drift page for drift rules, the trace list otherwise.</summary>
    private static string LinkLabel(string link)
        => link.StartsWith("drift?", StringComparison.Ordinal) ? "Drift" : "Traces";

    private static Color EventColor(AlertEventView alert)
        => alert.Status == AlertEventStatus.Resolved ? Color.Success : Alerts.LevelColor(alert.Level);

    private Task ReloadAsync() => InvokeAsync(async () =>
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await Model.LoadAsync(true, _disposed.Token);
        StateHasChanged();
    });
}
