using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace LlmObserve.Web.Components.Layout;

/// <summary>
/// Around every page. A write action refused for the person's role (<see cref="ProjectAccessDeniedException"/>, thrown
/// by the server-side check) becomes a message naming the role needed, and the page comes back as it loads; any other
/// failure shows a notice with a reload link in place of the page, while the menu and the app bar keep working.
/// Without it, either one ended the whole circuit.
/// </summary>
public sealed class PageErrorBoundary : ErrorBoundary
{
    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    protected override async Task OnErrorAsync(Exception exception)
    {
        if (exception is ProjectAccessDeniedException denied)
        {
            Snackbar.Add(denied.Message, Severity.Warning);

            // The base class records the error after this returns; recover once it has.
            await Task.Yield();
            Recover();
            return;
        }

        await base.OnErrorAsync(exception);
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null or ProjectAccessDeniedException)
        {
            builder.AddContent(0, CurrentException is null ? ChildContent : null);
            return;
        }

        builder.OpenComponent<MudAlert>(1);
        builder.AddComponentParameter(2, nameof(MudAlert.Severity), Severity.Error);
        builder.AddComponentParameter(3, "data-testid", "page-error");
        builder.AddComponentParameter(4, nameof(MudAlert.ChildContent), (RenderFragment)(alert =>
        {
            alert.AddContent(0, "Something went wrong on this page; the error is in the server's log. ");
            alert.OpenElement(1, "a");
            alert.AddAttribute(2, "href", string.Empty);
            alert.AddAttribute(3, "class", "reload");
            alert.AddContent(4, "Reload");
            alert.CloseElement();
        }));
        builder.CloseComponent();
    }
}
