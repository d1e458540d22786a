using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Sessions;

/// <summary>What the session and user pages read, for the project the pages show.</summary>
public sealed class SessionPagesModel(CurrentProject currentProject, SessionQueries sessions)
{
    public async Task<SessionDetail?> SessionAsync(string sessionId, CancellationToken cancellationToken)
        => await currentProject.GetIdAsync(cancellationToken) is { } projectId
            ? await sessions.GetSessionAsync(projectId, sessionId, cancellationToken)
            : null;

    public async Task<UserSummary?> UserAsync(string userId, CancellationToken cancellationToken)
        => await currentProject.GetIdAsync(cancellationToken) is { } projectId
            ? await sessions.GetUserAsync(projectId, userId, cancellationToken)
            : null;
}
