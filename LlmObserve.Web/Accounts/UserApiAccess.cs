using System.Security.Claims;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;

namespace LlmObserve.Web.Accounts;

/// <summary>
/// Lets a signed-in person call the project API with their cookie, as the pages' own downloads and scripts do.
/// The project is the one named by <see cref="ProjectHeader"/>, else the person's current one; the role needed
/// follows from the route and the method (<see cref="RequiredRole"/>).
/// </summary>
internal sealed class UserApiAccess(ProjectAccessQueries access)
{
    public const string ProjectHeader = "X-LlmObserve-Project";

    /// <summary>The project and key-like identity the handler works with, or the problem to answer.</summary>
    public async Task<(ApiKeyIdentity? Identity, IResult? Problem)> AuthorizeAsync(HttpContext http)
    {
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return (null, Problem(StatusCodes.Status401Unauthorized, "Sign in or send a key."));
        }

        var projects = await access.ListAsync(userId, http.RequestAborted);
        var named = http.Request.Headers[ProjectHeader].ToString();
        ProjectAccess? project;
        if (!string.IsNullOrEmpty(named))
        {
            project = projects.FirstOrDefault(p => p.ProjectId == named);
            if (project is null)
            {
                return (null, Problem(
                    StatusCodes.Status403Forbidden,
                    $"You are not a member of the project named by {ProjectHeader}."));
            }
        }
        else
        {
            var selected = await access.SelectedAsync(userId, http.RequestAborted);
            project = projects.FirstOrDefault(p => p.ProjectId == selected)
                ?? (projects.Count > 0 ? projects[0] : null);
        }

        if (project is null)
        {
            return (null, Problem(StatusCodes.Status403Forbidden, "You are not a member of any project."));
        }

        if (RequiredRole(http.Request) is not { } required)
        {
            return (null, Problem(
                StatusCodes.Status401Unauthorized,
                "This route takes a project key, not a sign-in."));
        }

        if (!project.Role.Satisfies(required))
        {
            return (null, Problem(
                StatusCodes.Status403Forbidden,
                $"You need the {required.Name()} role in project {project.ProjectName}; "
                + $"you are {project.Role.Name()}."));
        }

        // Not a key: id 0, and the scope check is the role check above.
        var email = http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.Identity?.Name ?? userId;
        return (new ApiKeyIdentity(project.ProjectId, 0, "user:" + userId, email, ApiKeyScope.All), null);
    }

    /// <summary>
    /// The role a route needs from a person (null: key only). Settings are admin's; annotation work is open to
    /// reviewers; other reads to viewers; other writes to members.
    /// </summary>
    public static ProjectRole? RequiredRole(HttpRequest request)
    {
        var path = request.Path;
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (!path.StartsWithSegments("/api") || path.StartsWithSegments("/api/public"))
        {
            // OTLP ingestion and the Prometheus scrape are machine routes: a key, never a cookie.
            return null;
        }

        if (path.StartsWithSegments("/api/project")
            || path.StartsWithSegments("/api/judge-endpoints")
            || path.StartsWithSegments("/api/audit"))
        {
            return ProjectRole.Admin;
        }

        if (path.StartsWithSegments("/api/annotation-queues"))
        {
            var isWork = path.Value!.EndsWith("/next", StringComparison.Ordinal)
                || path.Value.EndsWith("/labels", StringComparison.Ordinal)
                || path.Value.EndsWith("/skip", StringComparison.Ordinal);
            return read || isWork ? ProjectRole.Reviewer : ProjectRole.Member;
        }

        return read ? ProjectRole.Viewer : ProjectRole.Member;
    }

    private static IResult Problem(int status, string detail)
        => Results.Problem(
            title: status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden",
            detail: detail,
            statusCode: status);
}
