using System.Globalization;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Projects;

/// <summary>
/// The live projects, and creating one: the new project's first key pair is shown once, as on the set-up page.
/// </summary>
public sealed partial class ProjectList : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<ProjectView> _projects = [];
    private IReadOnlyList<FieldError> _errors = [];
    private ProjectCreated? _created;
    private string? _currentId;
    private string? _newName;
    private bool _interactive;
    private bool _busy;

    [Inject]
    private ProjectService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Current { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The name of a project just deleted on Settings › Project, said once here.</summary>
    [SupplyParameterFromQuery(Name = "deleted")]
    public string? Deleted { get; set; }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        _currentId = await Current.GetIdAsync(_disposed.Token);
        _projects = await Service.ListAsync(_disposed.Token);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private static string Created(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private string ExporterSettings(string secret) =>
        $"export OTEL_EXPORTER_OTLP_ENDPOINT={Navigation.BaseUri.TrimEnd('/')}\n"
        + "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n"
        + $"export OTEL_EXPORTER_OTLP_HEADERS=\"Authorization=Bearer%20{secret}\"";

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var (created, errors) = await Service.CreateAsync(_newName, _disposed.Token);
            _errors = errors;
            if (created is not null)
            {
                _created = created;
                _newName = null;
                _projects = await Service.ListAsync(_disposed.Token);
            }
        }
        finally
        {
            _busy = false;
        }
    }
}
