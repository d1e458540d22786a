namespace LlmObserve.Core.Accounts;

/// <summary>One person's role in one project.</summary>
public sealed class ProjectMembership
{
    public required string ProjectId { get; set; }

    public required string UserId { get; set; }

    public ProjectRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
