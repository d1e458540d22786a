using LlmObserve.Core.Accounts;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Web.Projects;

/// <summary>
/// The project that a page, its view model or a page-serving endpoint works in, for one circuit or request: the
/// signed-in person's selected project among those they may open (the oldest one until they switch). Every page
/// asks this service rather than choosing a project itself, and write actions ask it for the role they need.
/// </summary>
public sealed class CurrentProject(SignedInUser user, ProjectAccessQueries access)
{
    private bool _resolved;
    private ProjectAccess? _current;
    private IReadOnlyList<ProjectAccess> _choices = [];

    /// <summary>The project's id, or null while the person may open no project (or nobody is signed in).</summary>
    public async Task<string?> GetIdAsync(CancellationToken cancellationToken)
        => (await GetAsync(cancellationToken))?.ProjectId;

    /// <summary>The current project with the person's role in it, or null.</summary>
    public async Task<ProjectAccess?> GetAsync(CancellationToken cancellationToken)
    {
        await ResolveAsync(cancellationToken);
        return _current;
    }

    /// <summary>Every project the person may switch to.</summary>
    public async Task<IReadOnlyList<ProjectAccess>> GetChoicesAsync(CancellationToken cancellationToken)
    {
        await ResolveAsync(cancellationToken);
        return _choices;
    }

    /// <summary>True when the person's role in the current project satisfies <paramref name="required"/>.</summary>
    public async Task<bool> AllowsAsync(ProjectRole required, CancellationToken cancellationToken)
        => (await GetAsync(cancellationToken))?.Role.Satisfies(required) == true;

    /// <summary>
    /// Throws <see cref="ProjectAccessDeniedException"/> unless the person's role satisfies
    /// <paramref name="required"/>: every write action of a page calls this on the server, whatever its buttons show.
    /// The role is read again from the store each time, so a person whose role was lowered or taken away loses the
    /// action at once, not only when their circuit ends.
    /// </summary>
    public async Task<string> RequireAsync(ProjectRole required, CancellationToken cancellationToken)
    {
        var current = await GetAsync(cancellationToken);
        var userId = await user.GetIdAsync();
        if (current is not null && userId is not null)
        {
            var now = (await access.ListAsync(userId, cancellationToken))
                .FirstOrDefault(p => p.ProjectId == current.ProjectId);
            if (now is null || !now.Role.Satisfies(required))
            {
                throw new ProjectAccessDeniedException(required, now);
            }

            return now.ProjectId;
        }

        throw new ProjectAccessDeniedException(required, current);
    }

    /// <summary>
    /// Reads the person's projects again, after one was created or their memberships changed in this circuit; the
    /// current project stays unless it is gone. <see cref="ChoicesChanged"/> tells the app bar's switcher.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _resolved = false;
        await ResolveAsync(cancellationToken);
        ChoicesChanged?.Invoke();
    }

    /// <summary>Raised by <see cref="RefreshAsync"/>.</summary>
    public event Action? ChoicesChanged;

    /// <summary>Switches to another of the person's projects and remembers the choice for their next visit.</summary>
    public async Task<bool> SelectAsync(string projectId, CancellationToken cancellationToken)
    {
        // Checked against the memberships as they are now, not as they were when the circuit began.
        _resolved = false;
        await ResolveAsync(cancellationToken);
        var userId = await user.GetIdAsync();
        var chosen = _choices.FirstOrDefault(p => p.ProjectId == projectId);
        if (userId is null || chosen is null)
        {
            return false;
        }

        await access.SelectAsync(userId, projectId, cancellationToken);
        _current = chosen;
        return true;
    }

    private async Task ResolveAsync(CancellationToken cancellationToken)
    {
        if (_resolved)
        {
            return;
        }

        var userId = await user.GetIdAsync();
        if (userId is not null)
        {
            _choices = await access.ListAsync(userId, cancellationToken);
            var selected = await access.SelectedAsync(userId, cancellationToken);
            _current = _choices.FirstOrDefault(p => p.ProjectId == selected)
                ?? (_choices.Count > 0 ? _choices[0] : null);
        }

        _resolved = true;
    }
}

/// <summary>A write action was asked for by someone whose role in the project does not allow it.</summary>
public sealed class ProjectAccessDeniedException(ProjectRole required, ProjectAccess? current)
    : InvalidOperationException(current is null
        ? "You are not a member of this project."
        : $"You need the {required.Name()} role in project {current.ProjectName}; you are {current.Role.Name()}.")
{
    public ProjectRole Required { get; } = required;
}
