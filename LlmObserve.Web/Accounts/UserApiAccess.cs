using System.Security.Claims;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Accounts;

/// <summary>
/// Lets a signed-in person call the project API with their cookie, as the pages' own downloads and scripts do.
/// The project is the one named by <see cref="ProjectHeader"/>, else the person's current one; the role needed is
/// the one the route declares for its method (<see cref="RequiredRole"/>).
/// </summary>
internal sealed class UserApiAccess(ProjectAccessQueries access)
{
    public const string ProjectHeader = "X-LlmObserve-Project";

    // The public-key slot of a person's identity: keys never start so, and a person's identity has key id 0.
    private const string AccountPrefix = "user:";

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

        if (RequiredRole(http) is not { } required)
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
        return (new ApiKeyIdentity(project.ProjectId, 0, AccountPrefix + userId, email, ApiKeyScope.All), null);
    }

    /// <summary>
    /// The account id behind an identity this class made for a signed-in person, or null for a project key: what a
    /// handler checks when a person must act as themselves and only a key may speak for someone else.
    /// </summary>
    public static string? AccountIdOf(ApiKeyIdentity identity)
        => identity.KeyId == 0 && identity.PublicKey.StartsWith(AccountPrefix, StringComparison.Ordinal)
            ? identity.PublicKey[AccountPrefix.Length..]
            : null;

    /// <summary>
    /// The role the route declares for this request's method (<see cref="ProjectRoleMetadata"/>); null when it
    /// declares none, as the OTLP ingestion and the Prometheus scrape do: machine routes take a key, never a cookie.
    /// </summary>
    public static ProjectRole? RequiredRole(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<ProjectRoleMetadata>() is not { } rule)
        {
            return null;
        }

        var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        return read ? rule.Read : rule.Write;
    }

    private static IResult Problem(int status, string detail)
        => Results.Problem(
            title: status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden",
            detail: detail,
            statusCode: status);
}
