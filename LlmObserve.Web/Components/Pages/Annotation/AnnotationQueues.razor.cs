using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Web.Annotation;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Annotation;

/// <summary>The annotation queues of the project with their progress, and the form that creates one.</summary>
public sealed partial class AnnotationQueues
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ScoreAgreement>> _agreement = new(StringComparer.Ordinal);
    private IReadOnlyList<AnnotationQueueView>? _queues;
    private string? _projectId;
    private string? _name;
    private string? _filter;
    private int? _sampleSize;
    private int _reviews = 1;
    private int _leaseMinutes = 5;
    private string? _configs = "correct: boolean";
    private bool _saving;
    private bool _interactive;

    /// <summary>The trace list's query, when the reader came from its "Annotate these traces" link.</summary>
    [SupplyParameterFromQuery(Name = "filter")]
    public string? FilterFromList { get; set; }

    [Inject]
    private AnnotationService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _filter ??= FilterFromList;
        _projectId = await Project.GetIdAsync(CancellationToken.None);
        _queues = _projectId is null ? [] : await Service.ListAsync(_projectId, CancellationToken.None);
        foreach (var queue in _queues.Where(q => q.ReviewsPerItem > 1))
        {
            _agreement[queue.Id] = await Service.AgreementAsync(_projectId!, queue.Id, CancellationToken.None) ?? [];
        }
    }

    /// <summary>Kappa for two reviewers, alpha for more; "not enough" until some item has two labels.</summary>
    private static string AgreementText(ScoreAgreement score)
    {
        static string Show(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";

        if (score.ItemsWithSeveralLabels == 0)
        {
            return $"{score.Name}: no item has two labels yet";
        }

        var kappa = score.CohenKappa is null ? string.Empty : $"Cohen's κ {Show(score.CohenKappa)} · ";
        return $"{score.Name}: {kappa}Krippendorff's α {Show(score.KrippendorffAlpha)} "
            + $"(n = {score.ItemsWithSeveralLabels})";
    }

    private static string ConfigHelp
        => "e.g. " + ScoreConfigText.Example.Replace("\n", "; ", StringComparison.Ordinal);

    protected override void OnAfterRender(bool firstRender)
    {
        // Only the interactive render gets here: the mark tells a browser the form now answers.
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private string? Error(string field) => _errors.GetValueOrDefault(field);

    private async Task CreateAsync()
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        _errors.Clear();
        if (_projectId is null)
        {
            _errors["filter"] = "No project yet: send traces first.";
            return;
        }

        var (filter, filterText, filterErrors) = AnnotationFilter.Parse(_filter, Time.GetUtcNow());
        var (drafts, configError) = ScoreConfigText.Parse(_configs);
        if (filter is null || configError is not null)
        {
            foreach (var error in filterErrors)
            {
                _errors.TryAdd(error.Field, error.Message);
            }

            if (configError is not null)
            {
                _errors["scoreConfigs"] = configError;
            }

            return;
        }

        _saving = true;
        try
        {
            var draft = new AnnotationQueueDraft(_name, filterText, _sampleSize, _reviews, _leaseMinutes * 60, drafts);
            var (queue, errors) = await Service.CreateAsync(
                _projectId,
                draft,
                filter,
                filterText,
                CancellationToken.None);
            foreach (var error in errors)
            {
                // Errors of one configuration line show under the configurations field, naming the line's score.
                var field = error.Field.StartsWith("scoreConfigs", StringComparison.Ordinal)
                    ? "scoreConfigs"
                    : error.Field;
                _errors.TryAdd(field, error.Message);
            }

            if (queue is not null)
            {
                Navigation.NavigateTo($"/annotation/{queue.Id}");
            }
        }
        finally
        {
            _saving = false;
        }
    }
}
