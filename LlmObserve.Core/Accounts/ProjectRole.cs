namespace LlmObserve.Core.Accounts;

/// <summary>
/// What a person may do in one project. The roles are not a ladder: a reviewer labels annotation queues and sees
/// only the traces in them, while a viewer reads everything and changes nothing.
/// </summary>
public enum ProjectRole
{
    /// <summary>Reads every page and API of the project; changes nothing.</summary>
    Viewer = 0,

    /// <summary>Works annotation queues and sees the traces in them; nothing else.</summary>
    Reviewer = 1,

    /// <summary>Everything but settings, keys, users and deletion.</summary>
    Member = 2,

    /// <summary>Everything, including settings, keys, users and deletion.</summary>
    Admin = 3,
}

/// <summary>Which held role satisfies which required one.</summary>
public static class ProjectRoles
{
    /// <summary>The roles in the order the UI lists them.</summary>
    public static IReadOnlyList<ProjectRole> All { get; } =
        [ProjectRole.Admin, ProjectRole.Member, ProjectRole.Reviewer, ProjectRole.Viewer];

    /// <summary>
    /// True when a person holding <paramref name="held"/> may do what needs <paramref name="required"/>: reading
    /// (viewer) is open to viewers, members and admins; annotation work (reviewer) to reviewers, members and admins;
    /// writes (member) to members and admins; settings (admin) to admins.
    /// </summary>
    public static bool Satisfies(this ProjectRole held, ProjectRole required) => required switch
    {
        ProjectRole.Viewer => held is ProjectRole.Viewer or ProjectRole.Member or ProjectRole.Admin,
        ProjectRole.Reviewer => held is ProjectRole.Reviewer or ProjectRole.Member or ProjectRole.Admin,
        ProjectRole.Member => held is ProjectRole.Member or ProjectRole.Admin,
        _ => held == ProjectRole.Admin,
    };

    /// <summary>The lower-case name used in the store, the API and the UI.</summary>
    public static string Name(this ProjectRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Parses a role name, ignoring case; null when it is none of the four.</summary>
    public static ProjectRole? Parse(string? name)
        => Enum.TryParse<ProjectRole>(name, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(
            name,
            out _)
            ? role
            : null;
}
