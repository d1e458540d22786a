using Microsoft.AspNetCore.Identity;

namespace LlmObserve.Core.Accounts;

/// <summary>
/// A person who signs in to the UI. Projects are reached through <see cref="ProjectMembership"/>; an instance
/// admin is admin of every project, including ones created later.
/// </summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>Admin of every project and of the user list; the first admin gets it.</summary>
    public bool IsInstanceAdmin { get; set; }

    /// <summary>The project the user last switched to; ignored when the user is no longer a member of it.</summary>
    public string? SelectedProjectId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
