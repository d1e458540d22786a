using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Sessions;

/// <summary>The read API of sessions, scoped to the project of the caller's key.</summary>
internal static class SessionEndpoints
{
    /// <summary>Longest session id accepted; ids are the app's own strings, but not unbounded ones.</summary>
    private const int MaxSessionIdLength = 512;

    public static WebApplication MapLlmObserveSessions(this WebApplication app)
    {
        app.MapGroup("/api/sessions")
            .RequireApiKey()
            .RequireRole(ProjectRole.Viewer)
            .RequireKeyScope(ApiKeyScope.Read)
            .MapGet("/{sessionId}", GetAsync);

        return app;
    }

    private static async Task<IResult> GetAsync(
        string sessionId,
        HttpContext http,
        SessionQueries queries,
        CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(sessionId) || sessionId.Length > MaxSessionIdLength)
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["sessionId"] = [$"'sessionId' must be 1 to {MaxSessionIdLength} characters."],
                },
                title: "Invalid request parameters");
        }

        // Another project's session reads exactly like a missing one, so session ids cannot be probed across projects.
        var session = await queries.GetSessionAsync(http.GetApiKeyIdentity().ProjectId, sessionId, cancel);
        return session is null
            ? Results.Problem(
                title: "Session not found",
                detail: "No trace of this project belongs to that session.",
                statusCode: StatusCodes.Status404NotFound)
            : Results.Ok(session);
    }
}
