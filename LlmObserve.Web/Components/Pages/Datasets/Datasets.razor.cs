using System.Text;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Datasets;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace LlmObserve.Web.Components.Pages.Datasets;

/// <summary>
/// Datasets and the items of the one in the URL (<c>?id=</c>): expected outputs edited in place (each save is a new
/// version), items deleted, files imported and exported, and the dataset's experiments below.
/// </summary>
public sealed partial class Datasets
{
    private const long MaxImportBytes = 20 * 1024 * 1024;
    private readonly Dictionary<string, string?> _drafts = new(StringComparer.Ordinal);
    private IReadOnlyList<DatasetView> _datasets = [];
    private DatasetDetail? _detail;
    private string? _projectId;
    private string? _newName;
    private string? _createError;
    private bool _skipBadRows;
    private string? _importMessage;
    private bool _importFailed;
    private IReadOnlyList<ImportRowError> _importErrors = [];
    private string _csvHref = string.Empty;
    private string _jsonlHref = string.Empty;
    private bool _loaded;

    [Inject]
    private DatasetService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private AuditActor Actor { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _projectId ??= await Project.GetIdAsync(CancellationToken.None);
        await LoadAsync();
        _loaded = true;
    }

    private async Task LoadAsync()
    {
        if (_projectId is null)
        {
            return;
        }

        _datasets = await Service.ListAsync(_projectId, CancellationToken.None);
        _detail = Id is null ? null : await Service.GetAsync(_projectId, Id, null, CancellationToken.None);
        _drafts.Clear();
        if (_detail is not null)
        {
            _csvHref = DataHref("text/csv", DatasetFiles.Write(DatasetFiles.Csv, _detail.Items));
            _jsonlHref = DataHref("application/x-ndjson", DatasetFiles.Write(DatasetFiles.Jsonl, _detail.Items));
        }
    }

    private string? ExpectedDraft(DatasetItemView item)
        => _drafts.TryGetValue(item.Id, out var draft) ? draft : item.ExpectedOutput;

    private async Task CreateAsync()
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        if (_projectId is null)
        {
            return;
        }

        var (dataset, errors) = await Service.CreateAsync(_projectId, _newName, null, CancellationToken.None);
        if (dataset is null)
        {
            _createError = errors[0].Message;
            return;
        }

        _createError = null;
        _newName = null;
        Navigation.NavigateTo($"datasets?id={dataset.Id}");
    }

    private async Task SaveExpectedAsync(DatasetItemView item)
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        var change = await Service.UpdateExpectedOutputAsync(
            _projectId!,
            _detail!.Dataset.Id,
            item.Id,
            ExpectedDraft(item),
            CancellationToken.None);
        _importMessage = change.Errors.Count > 0 ? change.Errors[0].Message : null;
        _importFailed = change.Errors.Count > 0;
        await LoadAsync();
    }

    private async Task DeleteAsync(DatasetItemView item)
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        var change = await Service.DeleteItemAsync(_projectId!, _detail!.Dataset.Id, item.Id, CancellationToken.None);
        if (change is { NotFound: false, Errors.Count: 0 })
        {
            await Actor.RecordAsync(
                _projectId,
                AuditActions.DatasetItemDeleted,
                $"{_detail.Dataset.Id}/{item.Id}",
                new { dataset = _detail.Dataset.Name },
                CancellationToken.None);
        }

        await LoadAsync();
    }

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        await Project.RequireAsync(ProjectRole.Member, CancellationToken.None);
        var file = e.File;
        var format = file.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            ? DatasetFiles.Csv
            : DatasetFiles.Jsonl;
        string text;
        try
        {
            await using var stream = file.OpenReadStream(MaxImportBytes);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = await reader.ReadToEndAsync();
        }
        catch (IOException)
        {
            (_importMessage, _importFailed, _importErrors) = ("The file is larger than 20 MB.", true, []);
            return;
        }

        var (result, _) = await Service.ImportAsync(
            _projectId!,
            _detail!.Dataset.Id,
            format,
            text,
            _skipBadRows,
            CancellationToken.None);
        if (result is null)
        {
            return;
        }

        _importErrors = result.Errors;
        _importFailed = !result.Applied;
        _importMessage = result.Applied
            ? $"Imported {result.Imported} item(s) as version {result.Version}."
            : "Nothing was imported: fix the rows below, or tick \"Skip broken rows\".";
        await LoadAsync();
    }

    private static string DataHref(string mediaType, string text)
        => $"data:{mediaType};charset=utf-8," + Uri.EscapeDataString(text);
}
