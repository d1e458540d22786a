using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Audit;
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
    private bool _canCreate;

    [Inject]
    private ProjectService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Current { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private SignedInUser User { get; set; } = default!;

    [Inject]
    private AccountService Accounts { get; set; } = default!;

    [Inject]
    private AuditActor Actor { get; set; } = default!;

    [Inject]
    private ProjectAccessQueries Access { get; set; } = default!;

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
        _projects = await VisibleProjectsAsync();
        _canCreate = await MayCreateAsync();
    }

    /// <summary>
    /// The instance admin, or an admin of the current project, may create projects; the instance admin also when no
    /// project is left. Everyone signed in sees the projects they may open.
    /// </summary>
    private async Task<bool> MayCreateAsync()
        => await User.GetIdAsync() is { } userId
            && (await Access.IsInstanceAdminAsync(userId, _disposed.Token)
                || await Current.AllowsAsync(ProjectRole.Admin, _disposed.Token));

    /// <summary>
    /// The live projects this person may open: an admin of one project does not see the others' names.
    /// </summary>
    private async Task<IReadOnlyList<ProjectView>> VisibleProjectsAsync()
    {
        var mine = (await Current.GetChoicesAsync(_disposed.Token)).Select(p => p.ProjectId).ToHashSet();
        return (await Service.ListAsync(_disposed.Token)).Where(p => mine.Contains(p.Id)).ToList();
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
            if (!await MayCreateAsync())
            {
                throw new ProjectAccessDeniedException(
                    ProjectRole.Admin,
                    await Current.GetAsync(_disposed.Token));
            }

            var (created, errors) = await Service.CreateAsync(_newName, _disposed.Token);
            _errors = errors;
            if (created is not null)
            {
                // Whoever creates a project administers it, whether or not they are the instance admin.
                var userId = await User.GetIdAsync() ?? throw new InvalidOperationException("Nobody is signed in.");
                await Accounts.SetRoleAsync(userId, created.Project.Id, ProjectRole.Admin, userId, _disposed.Token);
                await Actor.RecordAsync(
                    created.Project.Id,
                    AuditActions.ProjectCreated,
                    created.Project.Id,
                    new { name = created.Project.Name },
                    CancellationToken.None);
                _created = created;
                _newName = null;

                // The circuit's list of projects predates this one: read it again, for this table and the switcher.
                await Current.RefreshAsync(_disposed.Token);
                _projects = await VisibleProjectsAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }
}
