using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// Sets the HTTP status of a page while it is prerendered, the one moment a page has an HTTP response, and keeps the
/// page's own message (which trace, session or user is missing, which role is needed) as the body.
/// </summary>
/// <remarks>
/// The status is set as the response starts, after the page is rendered: a 404 set during rendering makes the
/// component endpoint leave the body to the status code pages, which would show the generic "Nothing here", and so
/// does <c>NavigationManager.NotFound()</c>.
/// </remarks>
internal sealed class PrerenderStatus(IHttpContextAccessor accessor)
{
    public void NotFound(RendererInfo renderer) => Set(renderer, StatusCodes.Status404NotFound);

    /// <summary>A signed-in person whose role does not open the page.</summary>
    public void Forbidden(RendererInfo renderer) => Set(renderer, StatusCodes.Status403Forbidden);

    private void Set(RendererInfo renderer, int status)
    {
        // Once interactive, the accessor may hold a request long gone; only the prerender's own request is touched.
        if (!renderer.IsInteractive && accessor.HttpContext is { Response.HasStarted: false } context)
        {
            context.Response.OnStarting(() =>
            {
                context.Response.StatusCode = status;
                return Task.CompletedTask;
            });
        }
    }
}
