using System.Globalization;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Web.Evaluation;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Evaluations;

/// <summary>
/// The Evaluations page: every evaluator with its state (active, disabled, budget reached, rate limited,
/// misconfigured), its current version's evaluations counted per state and its last error, refreshed every few
/// seconds; the form that creates or changes one; the backfill dialog; and the status of the evaluator the URL names.
/// </summary>
public sealed partial class Evaluations : IDisposable
{
    private const string ParamEvaluator = "evaluator";

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private static readonly DialogOptions _dialogOptions = new() { MaxWidth = MaxWidth.Small, CloseOnEscapeKey = true };

    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;
    private bool _saving;

    [SupplyParameterFromQuery(Name = ParamEvaluator)]
    public string? Selected { get; set; }

    [Inject]
    private EvaluationsViewModel Model { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync() => await Model.LoadAsync(Selected, _disposed.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        // Only the interactive render gets here: the mark tells a browser the buttons now answer, and the counts start
        // to follow the job.
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
            _ = RefreshAsync(_disposed.Token);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(async () =>
                {
                    await Model.LoadAsync(Selected, cancellationToken);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            if (await Model.SaveAsync(_disposed.Token))
            {
                await Model.LoadAsync(Selected, _disposed.Token);
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task SetEnabledAsync(string id, bool enabled)
    {
        await Model.SetEnabledAsync(id, enabled, _disposed.Token);
        await Model.LoadAsync(Selected, _disposed.Token);
    }

    private async Task SubmitBackfillAsync()
    {
        if (await Model.SubmitBackfillAsync(_disposed.Token))
        {
            await Model.LoadAsync(Selected, _disposed.Token);
        }
    }

    private void OnBackfillVisibleChanged(bool visible)
    {
        if (!visible)
        {
            Model.CloseBackfill();
        }
    }

    private bool HasError(string field) => Model.Errors.Any(e => e.Field == field);

    private string? ErrorText(string field)
        => string.Join(" ", Model.Errors.Where(e => e.Field == field).Select(e => e.Message)) is { Length: > 0 } text
            ? text
            : null;

    private string SelectLink(string id) => Navigation.GetUriWithQueryParameter(ParamEvaluator, id);

    private string RowClass(EvaluatorView view, int index) => view.Id == Selected ? "mud-selected-item" : string.Empty;

    /// <summary>Evaluations not done yet: waiting for their turn or in progress.</summary>
    private static int Waiting(EvaluatorStatus status)
        => status.Counts[EvaluationRunStatus.Pending] + status.Counts[EvaluationRunStatus.Running];

    private static string KindText(EvaluatorView view)
        => view.Judge is { } judge ? $"judge: {judge.Template} via {judge.EndpointName ?? "(no endpoint)"}" : view.Kind;

    private static string TracesText(EvaluatorView view)
    {
        var filter = string.IsNullOrEmpty(view.Filter) ? "all" : view.Filter;
        return view.SamplingRate >= 1
            ? filter
            : string.Create(CultureInfo.InvariantCulture, $"{filter}, {view.SamplingRate:P0} sampled");
    }

    private static string StateText(EvaluatorStatus status) => status.State switch
    {
        EvaluatorStates.BudgetReached => "budget reached",
        EvaluatorStates.RateLimited => "rate limited",
        _ => status.State,
    };

    private static string StateHint(EvaluatorStatus status) => status.State switch
    {
        EvaluatorStates.BudgetReached => status.Budget?.Reason + " Calls resume on the next UTC day.",
        EvaluatorStates.RateLimited =>
            $"The judge asked to wait; evaluations resume at {status.RateLimitedUntil:yyyy-MM-dd HH:mm:ss} UTC.",
        EvaluatorStates.Misconfigured => status.LastError ?? string.Empty,
        EvaluatorStates.Disabled => "Not scoring new traces; turn it on to resume.",
        _ => "Scoring new traces.",
    };

    private static Color StateColor(string state) => state switch
    {
        EvaluatorStates.Active => Color.Success,
        EvaluatorStates.Disabled => Color.Default,
        EvaluatorStates.Misconfigured => Color.Error,
        _ => Color.Warning,
    };
}
