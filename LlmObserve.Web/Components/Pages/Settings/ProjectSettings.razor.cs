using System.Globalization;
using LlmObserve.Core;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › Project: rename the project, set how long its traces are kept (with what that purges, said in words),
/// and delete it after typing its name. After a deletion the browser goes to the Projects page on a fresh circuit,
/// whose current project is a live one.
/// </summary>
public sealed partial class ProjectSettings : IDisposable
{
    private static readonly DialogOptions _dialogOptions = new() { MaxWidth = MaxWidth.Small, CloseOnEscapeKey = true };

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<FieldError> _errors = [];
    private ProjectView? _project;
    private string? _name;
    private int? _retentionDays;
    private string? _notice;
    private string? _confirmation;
    private bool _deleteOpen;
    private bool _interactive;
    private bool _busy;

    [Inject]
    private ProjectService Projects { get; set; } = default!;

    [Inject]
    private CurrentProject Current { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private LlmObserveOptions Options { get; set; } = default!;

    [Inject]
    private AuditActor Actor { get; set; } = default!;

    private bool ConfirmationMatches
        => _project is not null && string.Equals(_confirmation?.Trim(), _project.Name, StringComparison.Ordinal);

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>What a retention setting purges and when, in one sentence.</summary>
    /// <param name="days">The retention; null keeps traces forever.</param>
    /// <param name="intervalSeconds">How often the retention job runs.</param>
    public static string RetentionSentence(int? days, double intervalSeconds) => days switch
    {
        null => "Traces are kept forever: nothing is purged by age.",
        < ProjectService.MinRetentionDays or > ProjectService.MaxRetentionDays =>
            $"Choose between {ProjectService.MinRetentionDays} and {ProjectService.MaxRetentionDays} days, "
            + "or clear the field to keep traces forever.",
        _ => $"Traces that started more than {days} day{(days == 1 ? "" : "s")} ago are purged, with their spans, "
            + "scores, feedback, drift features, evaluation runs and annotation items, by a background job that runs "
            + $"{Every(intervalSeconds)}; dataset items keep their own copy.",
    };

    private static string Every(double seconds) => seconds switch
    {
        3600 => "every hour",
        86_400 => "every day",
        >= 3600 when seconds % 3600 == 0 => $"every {seconds / 3600:0} hours",
        >= 60 when seconds % 60 == 0 => $"every {seconds / 60:0} minutes",
        _ => $"every {seconds:0.#} seconds",
    };

    protected override async Task OnInitializedAsync()
    {
        if (await Current.GetIdAsync(_disposed.Token) is { } id)
        {
            Show(await Projects.GetAsync(id, _disposed.Token));
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private void Show(ProjectView? project)
    {
        _project = project;
        _name = project?.Name;
        _retentionDays = project?.RetentionDays;
    }

    private Task RenameAsync()
        => SaveAsync(new ProjectChanges(_name ?? string.Empty, SetsRetention: false, RetentionDays: null), "Renamed.");

    private Task SaveRetentionAsync()
        => SaveAsync(
            new ProjectChanges(Name: null, SetsRetention: true, _retentionDays),
            _retentionDays is null
                ? "Saved: traces are kept forever."
                : $"Saved: {RetentionSentence(_retentionDays, Options.Retention.IntervalSeconds)}");

    private async Task SaveAsync(ProjectChanges changes, string notice)
    {
        if (_project is null)
        {
            return;
        }

        _busy = true;
        _notice = null;
        try
        {
            await Current.RequireAsync(ProjectRole.Admin, _disposed.Token);
            var (view, errors) = await Projects.UpdateAsync(_project.Id, changes, _disposed.Token);
            _errors = errors;
            if (view is not null)
            {
                await Actor.RecordAsync(
                    view.Id,
                    AuditActions.ProjectChanged,
                    view.Id,
                    new { name = view.Name, retentionDays = view.RetentionDays },
                    CancellationToken.None);
                Show(view);
                _notice = notice;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private void OpenDelete()
    {
        _confirmation = null;
        _deleteOpen = true;
    }

    private async Task DeleteAsync()
    {
        if (_project is null || !ConfirmationMatches)
        {
            return;
        }

        _busy = true;
        await Current.RequireAsync(ProjectRole.Admin, _disposed.Token);
        await Projects.DeleteAsync(_project.Id, _disposed.Token);
        await Actor.RecordAsync(
            _project.Id,
            AuditActions.ProjectDeleted,
            _project.Id,
            new { name = _project.Name },
            CancellationToken.None);
        Navigation.NavigateTo("/projects?deleted=" + Uri.EscapeDataString(_project.Name), forceLoad: true);
    }

    private static string Created(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
