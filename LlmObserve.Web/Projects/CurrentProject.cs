using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Projects;

/// <summary>
/// The project that a page, its view model or a page-serving endpoint works in, for one circuit or request. Every
/// page asks this service rather than choosing a project itself, so the choice (today the first project created)
/// changes in one place.
/// </summary>
public sealed class CurrentProject(TraceQueries traces)
{
    private string? _projectId;

    /// <summary>The project's id, or null while no project exists.</summary>
    public async Task<string?> GetIdAsync(CancellationToken cancellationToken)
        => _projectId ??= await traces.FirstProjectIdAsync(cancellationToken);
}
