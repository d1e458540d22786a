using LlmObserve.Core.Accounts;

namespace LlmObserve.Web.Accounts;

/// <summary>
/// The role a page needs in the current project. A page without it (and without <c>[AllowAnonymous]</c>) needs
/// admin: a new page is closed until its author says who may see it, and the authorization matrix test fails.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PageRoleAttribute(ProjectRole role) : Attribute
{
    public ProjectRole Role { get; } = role;

    /// <summary>
    /// Lets a reviewer open the page for a trace that is in one of the project's annotation queues, named by the
    /// page's <c>TraceId</c> route value.
    /// </summary>
    public bool ReviewersForQueuedTraces { get; init; }
}
