using System.Globalization;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Live;
using LlmObserve.Web.Annotation;
using LlmObserve.Web.Overview;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace LlmObserve.Web.Components.Pages.Annotation;

/// <summary>
/// The calibration page: each LLM judge against human labels (agreement, Cohen's kappa, confusion matrix, precision
/// and recall on the failing class), per evaluator version and over time. Range and buckets live in the URL; new
/// scores (judge verdicts or labels) reload it, at most once a second.
/// </summary>
public sealed partial class Calibration : IDisposable
{
    private const string DaysParameter = "days";
    private const string BucketParameter = "bucket";
    private static readonly int[] DayChoices = [7, 30, 90, 180, 365];
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private CalibrationQuery? _query;
    private CalibrationReport? _report;
    private string? _projectId;
    private int _version;
    private IDisposable? _watch;
    private CallbackThrottler? _throttler;

    [Inject]
    private CalibrationService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private IScoreChangeNotifier Scores { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    public void Dispose()
    {
        _watch?.Dispose();
        _throttler?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>A share as a percentage, or a dash when there is none.</summary>
    internal static string Percent(double? rate) => rate?.ToString("P1", CultureInfo.InvariantCulture) ?? "–";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Number(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–";

    protected override async Task OnParametersSetAsync()
    {
        _projectId ??= await Project.GetIdAsync(_disposed.Token);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only the interactive render gets here: a prerendered copy never subscribes.
        _throttler = new CallbackThrottler(RefreshInterval, Time, () => InvokeAsync(RefreshAsync));
        _watch = Scores.Subscribe(change =>
        {
            if (_projectId is null || change.ProjectId == _projectId)
            {
                _throttler.Signal();
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>Agreement and kappa per bucket; a bucket below the minimum is a gap.</summary>
    private static ChartSpec? ChartOf(EvaluatorCalibration evaluator, int index)
    {
        if (evaluator.Timeline.Count == 0 || !evaluator.Overall.Enough)
        {
            return null;
        }

        var x = evaluator.Timeline
            .Select(p => p.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .ToArray();
        return new ChartSpec(
            $"calibration-{index}",
            $"{evaluator.Name}: agreement and kappa over time",
            "0–1",
            [
                new ChartLine("agreement", x, [.. evaluator.Timeline.Select(p => p.Figures.AgreementRate)]),
                new ChartLine("Cohen's kappa", x, [.. evaluator.Timeline.Select(p => p.Figures.CohenKappa)]),
            ]);
    }

    private async Task LoadAsync()
    {
        var parameters = QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        var (query, errors) = CalibrationQuery.Parse(parameters);
        _errors = errors;
        _query = query;
        if (query is null || _projectId is null)
        {
            _report = _projectId is null && query is not null
                ? new CalibrationReport(Time.GetUtcNow(), Time.GetUtcNow(), query.Bucket, 0, 0, [])
                : null;
            return;
        }

        var now = Time.GetUtcNow();
        _report = await Service.ReportAsync(
            _projectId,
            query.From(now),
            now,
            query.Bucket,
            query.EvaluatorId,
            _disposed.Token);
        _version++;
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

    private bool HasError(string name) => _errors.ContainsKey(name);

    private string? ErrorOf(string name) => _errors.TryGetValue(name, out var messages) ? messages[0] : null;

    private void Navigate(Dictionary<string, object?> changes)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(changes));
}
