using LlmObserve.Core.Annotation;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Annotation;

/// <summary>
/// The reviewer using this browser: the name they entered once, kept in the <c>llmobserve_reviewer</c> cookie. Pages
/// ask only this class, so when sign-in arrives it answers with the signed-in user instead and nothing else changes.
/// </summary>
internal sealed class ReviewerIdentity(IJSRuntime js)
{
    public const string CookieName = "llmobserve_reviewer";

    /// <summary>The reviewer, or null when they have not said who they are; needs the interactive circuit.</summary>
    public async Task<Reviewer?> GetAsync()
    {
        var name = await js.InvokeAsync<string?>("llmObserveReviewer.get", CookieName);
        return Reviewer.FromName(name);
    }

    /// <summary>Remembers the name for a year; null when it is not a valid name.</summary>
    public async Task<Reviewer?> SetAsync(string? name)
    {
        if (Reviewer.FromName(name) is not { } reviewer)
        {
            return null;
        }

        await js.InvokeVoidAsync("llmObserveReviewer.set", CookieName, reviewer.Name);
        return reviewer;
    }
}
